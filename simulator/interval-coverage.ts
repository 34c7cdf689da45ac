// How often the app's intervals contain the true lift over repeated runs of one scenario
// (`npm run sim -- --replications N`). Each run draws a fresh random split (the app salts
// every experiment afresh), so the share of runs whose interval holds the truth estimates
// the interval's coverage; a 95% interval should hold it in about 95 runs of 100.
//
// Comparisons against the same control are not independent: a control arm that is low by
// chance lifts every variant measured against it, so misses come together. The coverage of
// each comparison is judged on its own; the runs with more than one miss are counted to show
// how strongly they go together.
import type { LiftRow } from "./app-experiment.server";

export interface IntervalCoverage {
  report: string;
  variant: string;
  metric: string;
  /** Runs with an interval and a truth to compare. */
  runs: number;
  inside: number;
  share: number;
  /** Binomial standard error of the share at the nominal level: √(level·(1 − level)/runs). */
  standardError: number;
  /** The share is no more than two standard errors below the nominal level. */
  met: boolean;
}

export interface CoverageSummary {
  level: number;
  comparisons: IntervalCoverage[];
  /** misses[k] = runs in which k of the intervals missed their truth. */
  missesPerRun: number[];
}

export function intervalCoverage(
  runs: ReadonlyArray<{ lifts: readonly LiftRow[] }>,
  level = 0.95,
): CoverageSummary {
  const byKey = new Map<string, IntervalCoverage>();
  const missesPerRun: number[] = [];
  for (const run of runs) {
    let misses = 0;
    for (const lift of run.lifts) {
      if (lift.truthInsideInterval === null) continue;
      const key = `${lift.report}\u0000${lift.variant}\u0000${lift.metric}`;
      const row = byKey.get(key) ?? {
        report: lift.report,
        variant: lift.variant,
        metric: lift.metric,
        runs: 0,
        inside: 0,
        share: 0,
        standardError: 0,
        met: false,
      };
      row.runs += 1;
      if (lift.truthInsideInterval) row.inside += 1;
      else misses += 1;
      byKey.set(key, row);
    }
    while (missesPerRun.length <= misses) missesPerRun.push(0);
    missesPerRun[misses]! += 1;
  }
  const comparisons = [...byKey.values()].map((row) => {
    const share = row.inside / row.runs;
    const standardError = Math.sqrt((level * (1 - level)) / row.runs);
    return { ...row, share, standardError, met: share >= level - 2 * standardError };
  });
  return { level, comparisons, missesPerRun };
}
