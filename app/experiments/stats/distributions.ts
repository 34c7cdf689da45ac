import chiSquareCdf from "@stdlib/stats-base-dists-chisquare-cdf";
import normalCdfAt from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantileAt from "@stdlib/stats-base-dists-normal-quantile";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";

// The few distribution functions the statistics need, in one place (ADR 0019: stdlib's
// ports of Cephes/Boost, accurate in the tails where a hand-rolled series would not be).

const SQRT_2PI = Math.sqrt(2 * Math.PI);

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/** Standard normal CDF Φ(x). */
export function normalCdf(x: number): number {
  return normalCdfAt(x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p). */
export function normalQuantile(p: number): number {
  return normalQuantileAt(p, 0, 1);
}

/** Two-sided p-value of a statistic that is t-distributed (df finite) or normal (df = Infinity). */
export function twoSidedPValue(statistic: number, degreesOfFreedom: number): number {
  const tail = Number.isFinite(degreesOfFreedom)
    ? tCdf(-Math.abs(statistic), degreesOfFreedom)
    : normalCdf(-Math.abs(statistic));
  return Math.min(1, 2 * tail);
}

/** The critical value c with P(|T| > c) = alpha, for t (df finite) or normal (df = Infinity). */
export function twoSidedCritical(alpha: number, degreesOfFreedom: number): number {
  return Number.isFinite(degreesOfFreedom)
    ? tQuantile(1 - alpha / 2, degreesOfFreedom)
    : normalQuantile(1 - alpha / 2);
}

/** Upper tail of the χ² distribution, P(X > x). */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  return Math.max(0, 1 - chiSquareCdf(x, degreesOfFreedom));
}
