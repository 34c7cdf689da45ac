// Special functions the lifetime-value models need. Log-gamma and digamma come from stdlib
// (well kept, accurate to a few ulps); the Gauss hypergeometric function is our own series,
// because its only use here (BG/NBD expectations, 0 ≤ z < 1, positive parameters) has all
// terms positive, and no maintained package offers 2F1 for real arguments.
import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";

export { digamma, gammaln };

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function betaln(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}

/** ln(e^u + e^v) without overflow; either may be −∞. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}

const MAX_TERMS = 1_000_000;
const RESCALE_ABOVE = 1e250;

/**
 * ln 2F1(a, b; c; z) for a, b, c > 0 and 0 ≤ z < 1, by the power series. Every term is
 * positive, so the sum carries no cancellation; the terms after the first are summed apart
 * (so ln(1 + s) keeps its digits when z is small) and rescaled before they overflow (large
 * a and b with z near 1 make 2F1 exceed the double range while the BG/NBD expression that
 * multiplies it by (1 − z)^a stays moderate). The series needs about ln(ε)/ln(z) terms:
 * ~700 at z = 0.95, ~37,000 at z = 0.999. Returns NaN outside the domain or if a million
 * terms do not converge (z within ~3e-5 of 1), so callers can say so rather than guess.
 */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(a > 0 && b > 0 && c > 0 && z >= 0 && z < 1)) return Number.NaN;
  if (z === 0) return 0;
  let term = 1;
  let sum = 0; // Σ_{n≥1} term_n, in units of e^{logScale}
  let logScale = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    // The term ratios tend to z monotonically, so once below 1 the tail is at most
    // term·q/(1 − q) with q the larger of the current ratio and z.
    const q = Math.max(ratio, z);
    if (q < 1 && (term * q) / (1 - q) <= sum * 1e-17) {
      return logScale === 0 ? Math.log1p(sum) : logScale + Math.log(sum + Math.exp(-logScale));
    }
    if (sum > RESCALE_ABOVE) {
      sum /= RESCALE_ABOVE;
      term /= RESCALE_ABOVE;
      logScale += Math.log(RESCALE_ABOVE);
    }
  }
  return Number.NaN;
}
