import { normalCdf, normalQuantile } from "./distributions";
import { DEFAULT_SEQUENTIAL_TUNING, sequentialMultiplier } from "./sequential";

// Power and minimum detectable effect for the create flow's calculator, stated as a relative
// lift (the scale the report leads with) but for the test the decision rule reads: the
// difference of means (decision.ts), two-sided, normal approximation:
//   power(Δ) = Φ(Δ/se − c) + Φ(−Δ/se − c),  Δ = μ_t − μ_c,  se = √(σ_t²/n_t + σ_c²/n_c)
// with c the critical multiplier:
// z₁₋α/₂ for a fixed horizon, or the confidence sequence's multiplier at the planned sample
// for the sequential method (sequential.ts). For sequential, this is the power of the final
// look alone: a lower bound on the chance of having crossed by then (earlier looks can only
// add crossings), so durations it gives are conservative.

export type Design = "fixed" | "sequential";

export type Moments = {
  controlMean: number;
  controlVariance: number;
  treatmentMean: number;
  treatmentVariance: number;
  nControl: number;
  nTreatment: number;
};

export type PowerOptions = { alpha?: number; method?: Design; sequentialTuning?: number };

export function criticalMultiplier(totalN: number, options: PowerOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  return options.method === "sequential"
    ? sequentialMultiplier(totalN, alpha, options.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING)
    : normalQuantile(1 - alpha / 2);
}

/** Power of the test of the difference, given the true moments of both arms. */
export function powerFromMoments(m: Moments, options: PowerOptions = {}): number {
  const difference = m.treatmentMean - m.controlMean;
  const variance = m.treatmentVariance / m.nTreatment + m.controlVariance / m.nControl;
  const c = criticalMultiplier(m.nControl + m.nTreatment, options);
  const ratio = difference / Math.sqrt(variance);
  return normalCdf(ratio - c) + normalCdf(-ratio - c);
}

/** What the calculator knows: the shop's own baseline and traffic. */
export type PlanInput = PowerOptions & {
  /** Per-member mean and variance of the primary metric over the analysis window. */
  baselineMean: number;
  baselineVariance: number;
  /** Members newly exposed per day, all arms together. */
  dailyExposed: number;
  /**
   * Members exposed at launch, all arms together (default 0): under exposure at assignment
   * the audience present at launch is exposed at once, and new joiners add `dailyExposed` a day.
   */
  initialExposed?: number;
  /** Traffic weights, control first. */
  weights: readonly number[];
  /** Target power (default 0.8). */
  power?: number;
};

export type Mde =
  | { ok: true; relative: number; absolute: number; nControl: number; nTreatment: number }
  | { ok: false; reason: string };

function invalid(input: PlanInput): string | null {
  if (!(input.baselineMean !== 0 && Number.isFinite(input.baselineMean)))
    return "the baseline mean must be non-zero";
  if (!(input.baselineVariance > 0)) return "the baseline variance must be positive";
  const initial = input.initialExposed ?? 0;
  if (!(input.dailyExposed >= 0 && initial >= 0 && input.dailyExposed + initial > 0))
    return "there are no exposed members per day";
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1))
    return "alpha and power must be between 0 and 1";
  if (input.weights.length < 2 || input.weights.some((w) => !(w > 0)))
    return "needs a control and at least one variant, each with a positive weight";
  return null;
}

/**
 * The smallest relative lift detectable with the target power after `days`, for the
 * smallest variant against control. Assumes the treatment scales the metric (its standard
 * deviation moves with its mean), the launch cohort `initialExposed` and steady daily
 * exposure after it: n = initialExposed + dailyExposed × days, split by the weights.
 */
export function minimumDetectableEffect(input: PlanInput, days: number): Mde {
  const reason = invalid(input);
  if (reason) return { ok: false, reason };
  const total = input.weights.reduce((a, b) => a + b, 0);
  const exposed = (input.initialExposed ?? 0) + input.dailyExposed * days;
  const nControl = (exposed * input.weights[0]!) / total;
  const nTreatment = (exposed * Math.min(...input.weights.slice(1))) / total;
  if (nControl < 2 || nTreatment < 2)
    return { ok: false, reason: "fewer than 2 members per arm in that time" };
  const target = input.power ?? 0.8;
  const mean = Math.abs(input.baselineMean);
  const powerAt = (lift: number) =>
    powerFromMoments(
      {
        controlMean: mean,
        controlVariance: input.baselineVariance,
        treatmentMean: mean * (1 + lift),
        treatmentVariance: input.baselineVariance * (1 + lift) ** 2,
        nControl,
        nTreatment,
      },
      input,
    );
  let high = 1;
  while (powerAt(high) < target) {
    high *= 2;
    if (high > 1e6) return { ok: false, reason: "no lift is detectable with that power in that time" };
  }
  let low = 0;
  for (let i = 0; i < 200 && high - low > 1e-13; i++) {
    const mid = (low + high) / 2;
    if (powerAt(mid) < target) low = mid;
    else high = mid;
  }
  return { ok: true, relative: high, absolute: high * mean, nControl, nTreatment };
}

export type Duration = { ok: true; days: number; mde: number } | { ok: false; reason: string };

/** The fewest whole days after which `relativeLift` is detectable with the target power. */
export function durationForEffect(input: PlanInput, relativeLift: number, maxDays = 365): Duration {
  const reason = invalid(input);
  if (reason) return { ok: false, reason };
  if (!(relativeLift > 0)) return { ok: false, reason: "the lift to detect must be positive" };
  for (let days = 1; days <= maxDays; days++) {
    const mde = minimumDetectableEffect(input, days);
    if (mde.ok && mde.relative <= relativeLift) return { ok: true, days, mde: mde.relative };
  }
  return {
    ok: false,
    reason: `a ${(relativeLift * 100).toFixed(1)}% lift is not detectable within ${maxDays} days`,
  };
}
