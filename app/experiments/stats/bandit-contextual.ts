import {
  limitChange,
  toBasisPoints,
  withMinimumShare,
  type BanditSettings,
  type BanditUpdate,
} from "./bandit-allocation";
import { DEFAULT_DRAWS, type BestArms } from "./bandit-best";
import { commonWeighting, mergePeriods, periodWeightedArms, type RewardKind } from "./bandit-posterior";
import { cholesky, shrinkSegments, type SegmentCell } from "./bandit-shrinkage";
import type { MeanStats } from "./estimates";
import { SeededRandom } from "./random";

// A contextual bandit's per-segment allocations (ADR 0044). After the pooled update
// (bandit-allocation.ts) moved traffic, each segment's arms get posteriors from the segment's
// own period-weighted data shrunk toward the pooled arm order (bandit-shrinkage.ts), and a
// segment with enough members gets its own allocation: its P(best) as the target, the same
// floor and step limit as the pooled one, stepped from the segment's allocation in force.
// A segment below `minSegmentMembers`, or any segment while the pooled update is not moving
// traffic, gets no allocation of its own: its members get the pooled one. Small segments still
// inform the shrinkage (how much segments differ), which is what keeps a large one honest too.

export interface SegmentPeriods {
  key: string;
  /** `periods[p][a]`: the segment's members of arm a exposed in period p (the same periods as the pooled update). */
  periods: readonly (readonly MeanStats[])[];
}

export interface SegmentArm {
  /** Members of the arm in the segment. */
  n: number;
  /** The segment's own period-weighted mean (null without members). */
  rawMean: number | null;
  /** The shrunk posterior (normal). */
  mean: number;
  sd: number;
  /** Weight on the pooled prediction, 0–1. */
  shrinkage: number;
  probabilityBest: number;
  expectedLoss: number;
}

export type SegmentOutcome =
  | {
      key: string;
      members: number;
      allocated: true;
      weights: number[];
      weightsBps: number[];
      arms: SegmentArm[];
    }
  | { key: string; members: number; allocated: false; reason: string; arms: SegmentArm[] | null };

export interface ContextualUpdate {
  /** The estimated between-segment variance (null when no shrinkage could be fitted). */
  tau2: number | null;
  reason: string;
  segments: SegmentOutcome[];
}

export interface ContextualInput {
  segments: readonly SegmentPeriods[];
  kind: RewardKind;
  /** The pooled update of the same period. */
  pooled: BanditUpdate;
  /** Each segment's allocation in force (shares), by key; the pooled one in force when absent. */
  current: ReadonlyMap<string, readonly number[]>;
  /** The pooled allocation in force before this update. */
  pooledCurrent: readonly number[];
  settings: BanditSettings;
  /** Members a segment needs for an allocation of its own. */
  minSegmentMembers: number;
  higherIsBetter?: boolean;
  /** Seeds the Monte Carlo of P(best) (the period index keeps an update reproducible). */
  seed?: number;
  draws?: number;
}

/**
 * P(best) and expected loss from a multivariate normal posterior (a segment's arms share the
 * fitted segment effect, so they are correlated), by seeded Monte Carlo.
 */
export function correlatedBest(
  means: readonly number[],
  covariance: readonly (readonly number[])[],
  options: { higherIsBetter?: boolean; draws?: number; seed?: number } = {},
): BestArms {
  const sign = options.higherIsBetter === false ? -1 : 1;
  const draws = options.draws ?? DEFAULT_DRAWS;
  const k = means.length;
  const trace = covariance.reduce((s, row, i) => s + row[i]!, 0);
  // A covariance that is singular to rounding gets a negligible ridge.
  const L =
    cholesky(covariance) ??
    cholesky(covariance.map((row, i) => row.map((c, j) => (i === j ? c + 1e-12 * trace + 1e-300 : c)))) ??
    covariance.map((row, i) => row.map((c, j) => (i === j ? Math.sqrt(Math.max(0, c)) : 0)));
  const random = new SeededRandom(options.seed ?? 1);
  const wins = new Array<number>(k).fill(0);
  const sums = new Array<number>(k).fill(0);
  let sumMax = 0;
  const z = new Array<number>(k).fill(0);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < k; i++) z[i] = random.normal();
    let best = 0;
    let bestValue = -Infinity;
    for (let i = 0; i < k; i++) {
      let value = means[i]!;
      for (let j = 0; j <= i; j++) value += L[i]![j]! * z[j]!;
      value *= sign;
      sums[i]! += value;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    wins[best]!++;
    sumMax += bestValue;
  }
  return {
    probabilities: wins.map((w) => w / draws),
    expectedLoss: sums.map((s) => Math.max(0, (sumMax - s) / draws)),
    method: "monte-carlo",
  };
}

/** A segment-arm cell: the period-weighted mean and its variance (a Beta posterior's for 0/1 metrics). */
function cellsOf(
  periods: readonly (readonly MeanStats[])[],
  kind: RewardKind,
  settings: BanditSettings,
  pooledVariance: readonly number[],
): { cells: (SegmentCell | null)[]; n: number[] } {
  const arms = pooledVariance.length;
  const strata = settings.minStratumMembers > 0 ? mergePeriods(periods, settings.minStratumMembers) : periods;
  // A segment's cells use common period weights (ADR 0044), precision weights under the
  // pooled bandit's period fixed effects (ADR 0038): the weights they were validated with.
  const weighted = strata.length
    ? periodWeightedArms(strata, kind, commonWeighting(settings.periodWeighting)).arms
    : new Array(arms).fill({ reason: "no data" });
  const totals = Array.from({ length: arms }, (_, a) =>
    periods.reduce((s, p) => ({ n: s.n + p[a]!.n, sum: s.sum + p[a]!.sum }), { n: 0, sum: 0 }),
  );
  const cells = weighted.map((arm, a): SegmentCell | null => {
    const { n, sum } = totals[a]!;
    if (n === 0) return null;
    const mean = "reason" in arm ? sum / n : arm.mean;
    const effectiveN = "reason" in arm ? n : arm.effectiveN;
    if (kind === "binary") {
      const alpha = 1 + mean * effectiveN;
      const beta = 1 + (1 - mean) * effectiveN;
      const total = alpha + beta;
      return { mean: alpha / total, variance: (alpha * beta) / (total * total * (total + 1)) };
    }
    // A small cell's own variance is unreliable (or undefined): the arm's pooled one stands in.
    const variance = "reason" in arm || arm.variance <= 0 || n < 10 ? pooledVariance[a]! : arm.variance;
    return { mean, variance: variance / effectiveN };
  });
  return { cells, n: totals.map((t) => t.n) };
}

const rawMeans = (periods: readonly (readonly MeanStats[])[], arms: number) =>
  Array.from({ length: arms }, (_, a) => {
    const n = periods.reduce((s, p) => s + p[a]!.n, 0);
    return n > 0 ? periods.reduce((s, p) => s + p[a]!.sum, 0) / n : null;
  });

/** Each segment's allocation for the period the pooled update opens (see the top). */
export function contextualUpdate(input: ContextualInput): ContextualUpdate {
  const { pooled, settings } = input;
  const arms = input.pooledCurrent.length;
  const members = input.segments.map((s) =>
    s.periods.reduce((t, p) => t + p.reduce((u, a) => u + a.n, 0), 0),
  );
  const fallback = (reason: string): ContextualUpdate => ({
    tau2: null,
    reason,
    segments: input.segments.map((s, i) => ({
      key: s.key,
      members: members[i]!,
      allocated: false,
      reason,
      arms: null,
    })),
  });
  if (pooled.phase !== "thompson" || !pooled.posterior)
    return fallback("every segment follows the pooled allocation until it moves traffic");
  const pooledVariance = pooled.posterior.arms.map((a) => a.variance);
  const withData = input.segments
    .map((s, i) => ({ s, i, ...cellsOf(s.periods, input.kind, settings, pooledVariance) }))
    .filter((c) => c.cells.some((cell) => cell !== null));
  const fit = shrinkSegments(withData.map((c) => c.cells));
  if (!fit.ok) return fallback(`pooled allocation for every segment: ${fit.reason}`);
  const outcomes = input.segments.map((segment, i): SegmentOutcome => {
    const index = withData.findIndex((c) => c.i === i);
    if (index < 0)
      return {
        key: segment.key,
        members: members[i]!,
        allocated: false,
        reason: "no members yet",
        arms: null,
      };
    const shrunk = fit.cells[index]!;
    const best = correlatedBest(
      shrunk.map((c) => c.mean),
      fit.covariance[index]!,
      { higherIsBetter: input.higherIsBetter, seed: (input.seed ?? 1) + i * 7_919, draws: input.draws },
    );
    const raw = rawMeans(segment.periods, arms);
    const segmentArms = shrunk.map((c, a) => ({
      n: withData[index]!.n[a]!,
      rawMean: raw[a]!,
      mean: c.mean,
      sd: c.sd,
      shrinkage: c.shrinkage,
      probabilityBest: best.probabilities[a]!,
      expectedLoss: best.expectedLoss[a]!,
    }));
    if (members[i]! < input.minSegmentMembers)
      return {
        key: segment.key,
        members: members[i]!,
        allocated: false,
        reason: `${members[i]} members, ${input.minSegmentMembers} needed for an allocation of its own`,
        arms: segmentArms,
      };
    const current = input.current.get(segment.key) ?? input.pooledCurrent;
    const target = withMinimumShare(best.probabilities, settings.minShare);
    const weightsBps = toBasisPoints(limitChange(current, target, settings.maxChange));
    return {
      key: segment.key,
      members: members[i]!,
      allocated: true,
      weights: weightsBps.map((b) => b / 10_000),
      weightsBps,
      arms: segmentArms,
    };
  });
  return {
    tau2: fit.tau2,
    reason: `segments shrunk toward the pooled arm order (τ² = ${fit.tau2.toPrecision(3)})`,
    segments: outcomes,
  };
}
