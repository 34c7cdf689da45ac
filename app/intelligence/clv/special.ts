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

/** A real number as its sign and the log of its magnitude, so 2F1 cannot overflow. */
export type SignedLog = { sign: 1 | -1 | 0; log: number };

/**
 * 2F1(a, b; c; z) for a, b > 0, c not 0 or a negative integer, and 0 ≤ z < 1, by the power
 * series, as sign and ln|·|. With c > 0 every term is positive and the sum carries no
 * cancellation; with c < 0 only the first ⌈−c⌉ terms may change sign. The terms after the
 * first are summed apart (so ln(1 + s) keeps its digits when z is small) and rescaled before
 * they overflow (large a and b with z near 1 make 2F1 exceed the double range while the
 * BG/NBD expression multiplying it by (1 − z)^a stays moderate). About ln(ε)/ln(z) terms:
 * ~700 at z = 0.95, ~37,000 at z = 0.999. NaN outside the domain or if a million terms do
 * not converge (z within ~3e-5 of 1), so callers can say so rather than guess.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): SignedLog {
  const nan: SignedLog = { sign: 0, log: Number.NaN };
  if (!(a > 0 && b > 0 && z >= 0 && z < 1) || (c <= 0 && Number.isInteger(c)) || !Number.isFinite(c))
    return nan;
  if (z === 0) return { sign: 1, log: 0 };
  const signsSettleAt = c < 0 ? Math.ceil(-c) : 0;
  let term = 1;
  let sum = 0; // Σ_{n≥1} term_n, in units of e^{logScale}
  let logScale = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    const ratio = (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    term *= ratio;
    sum += term;
    // Past the sign changes the ratios are positive and tend to z monotonically, so once
    // below 1 the tail is at most |term|·q/(1 − q), q the larger of the ratio and z.
    const q = Math.max(ratio, z);
    if (n >= signsSettleAt && q < 1 && (Math.abs(term) * q) / (1 - q) <= Math.abs(sum) * 1e-17) {
      if (logScale === 0 && sum > -1) return { sign: 1, log: Math.log1p(sum) };
      const total = sum + Math.exp(-logScale);
      return { sign: total > 0 ? 1 : total < 0 ? -1 : 0, log: logScale + Math.log(Math.abs(total)) };
    }
    if (Math.abs(sum) > RESCALE_ABOVE) {
      sum /= RESCALE_ABOVE;
      term /= RESCALE_ABOVE;
      logScale += Math.log(RESCALE_ABOVE);
    }
  }
  return nan;
}

/** ln 2F1(a, b; c; z) where 2F1 is positive (always so for c > 0); NaN otherwise. */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  const { sign, log } = hyp2f1(a, b, c, z);
  return sign === 1 ? log : Number.NaN;
}
