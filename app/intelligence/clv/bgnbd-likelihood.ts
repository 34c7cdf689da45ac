// The BG/NBD log-likelihood (Fader, Hardie & Lee 2005) and its gradient over grouped
// summaries. For a customer with (x, t_x, T):
//   ℓ = A1 + A2 + ln(e^{A3} + δ_{x>0} e^{A4})
//   A1 = ln Γ(r+x) − ln Γ(r) + r ln α
//   A2 = ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x)
//   A3 = −(r+x) ln(α+T)
//   A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x)
// The gammas and digammas depend on x only and the logs on T or t_x only, so each is
// computed once per distinct value; a group costs one exp and one log1p.
import type { GroupedSummaries } from "./customers";
import { digamma, gammaln } from "./special";

export type BgNbdParams = { r: number; alpha: number; a: number; b: number };

export type LikelihoodWithGradient = {
  logLikelihood: number;
  /** ∂ℓ/∂(r, α, a, b), summed over customers. */
  gradient: [number, number, number, number];
};

function perX(params: BgNbdParams, xs: Float64Array) {
  const { r, alpha, a, b } = params;
  const n = xs.length;
  const base = new Float64Array(n); // A1 + A2
  const dr = new Float64Array(n);
  const da = new Float64Array(n);
  const db = new Float64Array(n);
  const logB = new Float64Array(n); // ln(b + x − 1), x > 0
  const common = -gammaln(r) + r * Math.log(alpha) + gammaln(a + b) - gammaln(b);
  const psiR = digamma(r);
  const psiAB = digamma(a + b);
  const psiB = digamma(b);
  const lnAlpha = Math.log(alpha);
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    base[i] = common + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x);
    const psiABX = digamma(a + b + x);
    dr[i] = digamma(r + x) - psiR + lnAlpha;
    da[i] = psiAB - psiABX;
    db[i] = psiAB + digamma(b + x) - psiB - psiABX;
    logB[i] = x > 0 ? Math.log(b + x - 1) : 0;
  }
  return { base, dr, da, db, logB };
}

function perTime(alpha: number, times: Float64Array) {
  const log = new Float64Array(times.length);
  const inverse = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) {
    log[i] = Math.log(alpha + times[i]!);
    inverse[i] = 1 / (alpha + times[i]!);
  }
  return { log, inverse };
}

/** Log-likelihood only (the grouped sum), e.g. for reporting at fixed parameters. */
export function bgNbdLogLikelihood(params: BgNbdParams, groups: GroupedSummaries): number {
  return bgNbdLikelihood(params, groups).logLikelihood;
}

/** Log-likelihood and its gradient in (r, α, a, b), summed over all customers. */
export function bgNbdLikelihood(params: BgNbdParams, groups: GroupedSummaries): LikelihoodWithGradient {
  const { r, alpha, a, b } = params;
  const X = perX(params, groups.xs);
  const atT = perTime(alpha, groups.Ts);
  const atTx = perTime(alpha, groups.txs);
  const logA = Math.log(a);
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  const { groupX, groupTx, groupT, count, xs } = groups;
  for (let g = 0; g < count.length; g++) {
    const ix = groupX[g]!;
    const iT = groupT[g]!;
    const c = count[g]!;
    const x = xs[ix]!;
    const rx = r + x;
    const a3 = -rx * atT.log[iT]!;
    let term = a3;
    let w4 = 0; // weight of the "dropped out after t_x" branch in the mixture
    let logTx = 0;
    let invTx = 0;
    if (x > 0) {
      const itx = groupTx[g]!;
      logTx = atTx.log[itx]!;
      invTx = atTx.inverse[itx]!;
      const a4 = logA - X.logB[ix]! - rx * logTx;
      const e = Math.exp(-Math.abs(a4 - a3));
      term = Math.max(a3, a4) + Math.log1p(e);
      w4 = a4 > a3 ? 1 / (1 + e) : e / (1 + e);
    }
    const w3 = 1 - w4;
    ll += c * (X.base[ix]! + term);
    gr += c * (X.dr[ix]! - w3 * atT.log[iT]! - w4 * logTx);
    gAlpha += c * (r / alpha - rx * (w3 * atT.inverse[iT]! + w4 * invTx));
    ga += c * (X.da[ix]! + w4 / a);
    gb += c * (X.db[ix]! - (x > 0 ? w4 / (b + x - 1) : 0));
  }
  return { logLikelihood: ll, gradient: [gr, gAlpha, ga, gb] };
}
