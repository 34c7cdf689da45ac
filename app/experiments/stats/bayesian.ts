import { normalCdf, normalPdf, normalQuantile } from "./distributions";
import type { Estimate } from "./estimates";
import { liftMoments } from "./frequentist";

// Bayesian summary in the manner of GrowthBook's gbstats: the lift's sampling distribution is
// taken as normal (estimate, se² by the delta method), combined with a normal prior on the
// lift (or a flat one), giving a normal posterior N(m, s²):
//   precision = 1/se² + 1/τ²,  m = (lift/se² + μ₀/τ²) / precision,  s² = 1/precision.
// Chance to win = P(lift better than 0); expected loss ("risk") is E[max(0, −lift)] if we ship
// the treatment and E[max(0, lift)] if we keep control (for a metric where higher is better):
//   E[max(0, −L)] = s φ(m/s) − m Φ(−m/s),   E[max(0, L)] = s φ(m/s) + m Φ(m/s).

export type Prior = { kind: "flat" } | { kind: "normal"; mean: number; variance: number };

/** GrowthBook's default (gbstats `GaussianPrior(proper=False)`); a proper alternative is N(0, 0.3²) on relative lift. */
export const FLAT_PRIOR: Prior = { kind: "flat" };

export type BayesianOptions = {
  scale?: "relative" | "absolute";
  prior?: Prior;
  /** Width of the credible interval is 1 − alpha. */
  alpha?: number;
  higherIsBetter?: boolean;
};

export type BayesianResult =
  | {
      ok: true;
      scale: "relative" | "absolute";
      prior: string;
      posteriorMean: number;
      posteriorSd: number;
      chanceToWin: number;
      expectedLoss: { ifShipped: number; ifKeptControl: number };
      credibleInterval: { lower: number; upper: number };
    }
  | { ok: false; reason: string };

export function describePrior(prior: Prior): string {
  return prior.kind === "flat"
    ? "flat (improper) prior: the posterior is the normal likelihood of the lift"
    : `normal prior on the lift, mean ${prior.mean}, variance ${prior.variance}`;
}

export function bayesian(
  control: Estimate,
  treatment: Estimate,
  options: BayesianOptions = {},
): BayesianResult {
  const scale = options.scale ?? "relative";
  const prior = options.prior ?? FLAT_PRIOR;
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) return { ok: false, reason: "alpha must be between 0 and 1" };
  if (control.n < 2 || treatment.n < 2) return { ok: false, reason: "each arm needs at least 2 members" };
  const moments = liftMoments(control, treatment, scale);
  if (!moments)
    return {
      ok: false,
      reason: "the control mean is 0 or negative, so relative lift is undefined; use the absolute scale",
    };
  if (moments.variance === 0)
    return { ok: false, reason: "the metric does not vary, so there is no uncertainty to summarise" };
  if (prior.kind === "normal" && !(prior.variance > 0))
    return { ok: false, reason: "the prior variance must be positive" };
  let precision = 1 / moments.variance;
  let weighted = moments.estimate / moments.variance;
  if (prior.kind === "normal") {
    precision += 1 / prior.variance;
    weighted += prior.mean / prior.variance;
  }
  const m = weighted / precision;
  const s = Math.sqrt(1 / precision);
  const sign = options.higherIsBetter === false ? -1 : 1;
  // Work in "better" units: b = sign · lift, so winning is b > 0 either way.
  const mb = sign * m;
  const lossIfShipped = s * normalPdf(mb / s) - mb * normalCdf(-mb / s);
  const lossIfKept = s * normalPdf(mb / s) + mb * normalCdf(mb / s);
  const z = normalQuantile(1 - alpha / 2);
  return {
    ok: true,
    scale,
    prior: describePrior(prior),
    posteriorMean: m,
    posteriorSd: s,
    chanceToWin: normalCdf(mb / s),
    expectedLoss: { ifShipped: Math.max(0, lossIfShipped), ifKeptControl: Math.max(0, lossIfKept) },
    credibleInterval: { lower: m - z * s, upper: m + z * s },
  };
}
