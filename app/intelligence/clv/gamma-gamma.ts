// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013,
// "The Gamma-Gamma model of monetary value"): each purchase's value ~ Gamma(p, ν), with
// ν ~ Gamma(q, γ) across customers. Fitted on repeat buyers' mean spend per repeat purchase
// m and their repeat purchases x; the likelihood of (x, m) is
//   ℓ = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + m x).
// The gamma terms depend on x only (computed once per distinct x); each customer costs one log.
import type { FitFailure } from "./bgnbd";
import type { CustomerSummary } from "./customers";
import { inverseHessian, minimise } from "./optimise";
import { digamma, gammaln } from "./special";

export type GammaGammaParams = { p: number; q: number; gamma: number };

export type GammaGammaFit =
  | {
      ok: true;
      params: GammaGammaParams;
      /** Asymptotic standard errors (observed information); null if it is not positive definite. */
      standardErrors: GammaGammaParams | null;
      logLikelihood: number;
      customers: number;
      /** Repeat buyers left out for want of a positive mean spend (e.g. fully refunded). */
      skipped: number;
      iterations: number;
      /**
       * Pearson correlation of repeat purchases and mean spend over the repeat buyers. The
       * model assumes they are independent; far from 0 (say beyond ±0.3), its CLV is biased.
       */
      frequencySpendCorrelation: number;
    }
  | FitFailure<GammaGammaParams>;

const THINNED = 50_000;
const sumLog = (ms: Float64Array) => ms.reduce((s, m) => s + Math.log(m), 0);

/** Repeat buyers' (x, m) columns, by distinct x: what the likelihood needs. */
export type SpendData = {
  xs: number[];
  byX: Float64Array[];
  sumLogM: number[];
  n: number;
  /** Repeat buyers left out for want of a positive, finite mean spend (e.g. all refunded). */
  skipped: number;
};

export function spendData(customers: readonly CustomerSummary[]): SpendData {
  const lists = new Map<number, number[]>();
  let skipped = 0;
  for (const c of customers) {
    if (c.x <= 0) continue;
    if (!(c.spend! > 0 && Number.isFinite(c.spend))) {
      skipped++;
      continue;
    }
    let list = lists.get(c.x);
    if (!list) lists.set(c.x, (list = []));
    list.push(c.spend!);
  }
  const xs = [...lists.keys()];
  const byX = xs.map((x) => Float64Array.from(lists.get(x)!));
  const sumLogM = byX.map(sumLog);
  return { xs, byX, sumLogM, n: byX.reduce((s, ms) => s + ms.length, 0), skipped };
}

/** Log-likelihood and gradient in (p, q, γ), summed over the repeat buyers. */
export function gammaGammaLikelihood(params: GammaGammaParams, data: SpendData) {
  const { p, q, gamma } = params;
  const lnGamma = Math.log(gamma);
  const psiQ = digamma(q);
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gg = 0;
  for (let k = 0; k < data.xs.length; k++) {
    const x = data.xs[k]!;
    const ms = data.byX[k]!;
    const n = ms.length;
    const px = p * x;
    let sumLog = 0; // Σ ln(γ + m x)
    let sumInv = 0; // Σ 1/(γ + m x)
    for (let i = 0; i < n; i++) {
      const v = gamma + ms[i]! * x;
      sumLog += Math.log(v);
      sumInv += 1 / v;
    }
    const psiPxQ = digamma(px + q);
    ll +=
      n * (gammaln(px + q) - gammaln(px) - gammaln(q) + q * lnGamma + px * Math.log(x)) +
      (px - 1) * data.sumLogM[k]! -
      (px + q) * sumLog;
    gp += x * (n * (psiPxQ - digamma(px) + Math.log(x)) + data.sumLogM[k]! - sumLog);
    gq += n * (psiPxQ - psiQ + lnGamma) - sumLog;
    gg += (n * q) / gamma - (px + q) * sumInv;
  }
  return { logLikelihood: ll, gradient: [gp, gq, gg] as [number, number, number] };
}

/** Fits Gamma-Gamma on the repeat buyers with a positive mean spend; others are ignored. */
export function fitGammaGamma(
  customers: readonly CustomerSummary[],
  options: { minRepeatBuyers?: number; maxIterations?: number } = {},
): GammaGammaFit {
  const minRepeatBuyers = options.minRepeatBuyers ?? 10;
  const data = spendData(customers);
  if (data.n < minRepeatBuyers)
    return {
      ok: false,
      problem: "not-enough-data",
      reason:
        `Not enough repeat purchases yet: spend per order needs at least ${minRepeatBuyers} customers who bought ` +
        `again with a positive spend; there are ${data.n}${data.skipped ? ` (${data.skipped} more without one)` : ""}.`,
    };
  let meanM = 0;
  for (const ms of data.byX) for (const m of ms) meanM += m;
  meanM /= data.n;
  const fromTheta = (t: readonly number[]) => ({
    p: Math.exp(t[0]!),
    q: Math.exp(t[1]!),
    gamma: Math.exp(t[2]!),
  });
  const objectiveOf = (d: SpendData) => (theta: readonly number[]) => {
    const params = fromTheta(theta);
    const { logLikelihood, gradient } = gammaGammaLikelihood(params, d);
    const scale = [params.p, params.q, params.gamma];
    return { value: -logLikelihood / d.n, gradient: gradient.map((g, i) => (-g * scale[i]!) / d.n) };
  };
  const objective = objectiveOf(data);
  const settings = { maxIterations: options.maxIterations ?? 500, maxDistance: 25 };
  // Start at p = q = 2 with the population mean p γ/(q − 1) equal to the observed mean; on
  // large data from the optimum and curvature of every k-th buyer (a few steps from the end).
  let start = [Math.log(2), Math.log(2), Math.log(meanM / 2)];
  let warm: number[][] | undefined;
  const k = Math.ceil(data.n / THINNED);
  if (k > 1) {
    const byX = data.byX.map((ms) => ms.filter((_, i) => i % k === 0));
    const sample = { ...data, byX, sumLogM: byX.map(sumLog), n: byX.reduce((s, ms) => s + ms.length, 0) };
    const first = minimise(objectiveOf(sample), start, settings);
    if (first.converged) [start, warm] = [first.theta, first.inverseHessian];
  }
  const result = minimise(objective, start, { ...settings, inverseHessian: warm });
  const params = fromTheta(result.theta);
  const ran = Object.entries(params).find(([k, v]) => !(v > 1e-6 && v < (k === "gamma" ? 1e6 * meanM : 1e6)));
  if (!result.converged || ran)
    return {
      ok: false,
      problem: "not-converged",
      reason: `The spend model did not converge (${ran ? `the history does not pin it down: ${ran[0]} ran to ${ran[1].toPrecision(3)}` : result.reason} after ${result.iterations} iterations); the previous model stays in use.`,
      lastParams: params,
    };
  const covariance = inverseHessian(objective, result.theta);
  const se = (i: number, value: number) => value * Math.sqrt(covariance![i]![i]! / data.n);
  return {
    ok: true,
    params,
    standardErrors: covariance && { p: se(0, params.p), q: se(1, params.q), gamma: se(2, params.gamma) },
    logLikelihood: -result.value * data.n,
    customers: data.n,
    skipped: data.skipped,
    iterations: result.iterations,
    frequencySpendCorrelation: correlation(data),
  };
}

function correlation(data: SpendData): number {
  let sx = 0;
  let sm = 0;
  let sxx = 0;
  let smm = 0;
  let sxm = 0;
  data.xs.forEach((x, k) => {
    for (const m of data.byX[k]!) {
      sx += x;
      sm += m;
      sxx += x * x;
      smm += m * m;
      sxm += x * m;
    }
  });
  const n = data.n;
  const cov = sxm - (sx * sm) / n;
  const vx = sxx - (sx * sx) / n;
  const vm = smm - (sm * sm) / n;
  return vx > 0 && vm > 0 ? cov / Math.sqrt(vx * vm) : 0;
}

/**
 * E[Z | x, m]: expected spend per future purchase, a weighted mean of the population mean
 * p γ/(q − 1) and the customer's own mean m with weight p x/(p x + q − 1). Needs q > 1 (else
 * the population mean is infinite): null then.
 */
export function expectedAverageSpend(params: GammaGammaParams, x: number, m: number): number | null {
  const { p, q, gamma } = params;
  if (!(q > 1)) return null;
  if (x <= 0 || !(m > 0)) return (p * gamma) / (q - 1);
  return (p * (gamma + x * m)) / (p * x + q - 1);
}
