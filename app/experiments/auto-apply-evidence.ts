import type { Guardrail } from "./stats/decision";
import {
  commonWeighting,
  mergePeriods,
  periodWeightedArms,
  type PeriodWeighting,
} from "./stats/bandit-posterior";
import type { MeanStats } from "./stats/estimates";
import { compare, type Comparison } from "./stats/frequentist";

// A bandit's guardrails for auto-apply (ADR 0045), from each guardrail metric's
// per-period sufficient statistics: each arm's period-weighted mean and variance (the same
// strata and weights as its primary posterior, stats/bandit-posterior.ts), then each variant
// against the control by the always-valid sequential test, which may be read at every update.
// Pooling a bandit's periods would be biased while the allocation moves (ADR 0038-bandits).

export interface GuardrailPeriods {
  metric: string;
  higherIsBetter: boolean;
  /** Largest relative harm tolerated. */
  threshold: number;
  /** `periods[p][a]`: the metric's statistics of arm a's members exposed in allocation period p. */
  periods: readonly (readonly MeanStats[])[];
}

/**
 * Below this many contributors in an arm, a guardrail is not judged: a revenue or cost metric
 * is mostly zeros, and a mean carried by a handful of members is not near normal, so even the
 * always-valid interval can exclude the truth (a single large order in the control read as a
 * 92% harm in the sim's earliest days).
 */
export const MIN_CONTRIBUTORS = 30;

/**
 * A lower bound on how many members carry an arm's total: (Σx)² / Σx² ≤ the number of non-zero
 * values (Cauchy–Schwarz), equal when they are alike. For a one-signed metric it reads as
 * "about this many buyers"; for a signed one it can only understate, which errs toward waiting.
 */
export function contributors(stats: readonly MeanStats[]): number {
  const sum = stats.reduce((t, s) => t + s.sum, 0);
  const squares = stats.reduce((t, s) => t + s.sumSquares, 0);
  return squares > 0 ? (sum * sum) / squares : 0;
}

/** One variant against the control on period-weighted estimates (sequential test). */
export function periodWeightedComparisons(
  periods: readonly (readonly MeanStats[])[],
  controlIndex: number,
  options: { minStratumMembers: number; weighting: PeriodWeighting },
): Comparison[] {
  const arms = periods[0]?.length ?? 0;
  if (!periods.length || !arms)
    return Array.from({ length: Math.max(0, arms - 1) }, () => ({ ok: false, reason: "no members yet" }));
  const strata = options.minStratumMembers > 0 ? mergePeriods(periods, options.minStratumMembers) : periods;
  const weighted = periodWeightedArms(strata, "mean", commonWeighting(options.weighting)).arms;
  const estimate = (a: number) => {
    const arm = weighted[a]!;
    return "reason" in arm
      ? null
      : {
          n: arm.effectiveN,
          mean: arm.mean,
          varianceOfMean: arm.effectiveN > 0 ? arm.variance / arm.effectiveN : 0,
        };
  };
  const control = estimate(controlIndex);
  const out: Comparison[] = [];
  for (let a = 0; a < arms; a++) {
    if (a === controlIndex) continue;
    const treatment = estimate(a);
    const missing = !control ? weighted[controlIndex] : !treatment ? weighted[a] : null;
    if (!control || !treatment) {
      out.push({ ok: false, reason: (missing as { reason: string }).reason });
      continue;
    }
    const exact = constantComparison(control, treatment);
    const few = Math.min(
      contributors(periods.map((p) => p[controlIndex]!)),
      contributors(periods.map((p) => p[a]!)),
    );
    out.push(
      exact ??
        (few < MIN_CONTRIBUTORS
          ? {
              ok: false,
              reason: `about ${Math.floor(few)} members carry an arm's total so far; ${MIN_CONTRIBUTORS} are needed before its interval can be trusted`,
            }
          : compare(control, treatment, { method: "sequential" })),
    );
  }
  return out;
}

type Estimated = { n: number; mean: number; varianceOfMean: number };

/**
 * A guardrail metric that does not vary in either arm (no member redeemed, say) has no test to
 * run, but its difference is known exactly: the same constant in both arms is no change (a
 * zero interval), so it does not hold up a ship; different constants are an exact change.
 * Null when either arm varies (the sequential test decides).
 */
function constantComparison(control: Estimated, treatment: Estimated): Comparison | null {
  if (control.varianceOfMean > 0 || treatment.varianceOfMean > 0 || control.n < 2 || treatment.n < 2)
    return null;
  const exact = (estimate: number) => ({
    estimate,
    standardError: 0,
    lower: estimate,
    upper: estimate,
    pValue: estimate === 0 ? 1 : 0,
    significant: estimate !== 0,
  });
  const difference = treatment.mean - control.mean;
  const relative = difference === 0 ? exact(0) : control.mean > 0 ? exact(difference / control.mean) : null;
  return {
    ok: true,
    method: "sequential",
    alpha: 0.05,
    degreesOfFreedom: Infinity,
    absolute: exact(difference),
    relative,
    notes: ["the metric does not vary in either arm: the difference is exact"],
  };
}

/** Each variant's guardrails (variants in arm order without the control). */
export function banditGuardrails(
  metrics: readonly GuardrailPeriods[],
  variantKeys: readonly string[],
  controlIndex: number,
  options: { minStratumMembers: number; weighting: PeriodWeighting },
): { variant: string; guardrails: Guardrail[] }[] {
  const comparisons = metrics.map((m) => periodWeightedComparisons(m.periods, controlIndex, options));
  const variants = variantKeys.filter((_, i) => i !== controlIndex);
  return variants.map((variant, v) => ({
    variant,
    guardrails: metrics.map((m, g) => ({
      metric: m.metric,
      comparison: comparisons[g]![v] ?? { ok: false, reason: "no members yet" },
      higherIsBetter: m.higherIsBetter,
      threshold: m.threshold,
    })),
  }));
}
