// A one-dimensional Gaussian process (Rasmussen & Williams 2006, "Gaussian Processes for
// Machine Learning", algorithm 2.1) for the earn-rate optimizer (ADR 0041):
// each candidate's period-weighted mean is a noisy observation of a smooth curve, with the
// noise variance its own posterior variance (heteroscedastic, known), a constant prior mean
// and a squared-exponential kernel k(x, x') = s² exp(−(x − x')²/(2ℓ²)).
//   L = chol(K + diag(noise)),  α = Lᵀ \ (L \ (y − m))
//   mean(x*) = m + k*ᵀ α,  v = L \ k*,  cov(x*, x*') = k(x*, x*') − vᵀ v
//   log p(y) = −½ (y − m)ᵀ α − Σ log L_ii − (n/2) log 2π
// The matrices are the candidates' (a handful to a dozen), so a plain Cholesky is enough.
// Hyperparameters (ℓ, s) are chosen by maximum marginal likelihood over a fixed grid
// (`fitGp`), which is deterministic and cannot fail to converge.

export interface GpKernel {
  lengthScale: number;
  signalVariance: number;
}

export interface GpData {
  x: readonly number[];
  y: readonly number[];
  /** Each observation's noise variance (> 0 or the matrix may be singular). */
  noiseVariance: readonly number[];
  priorMean: number;
}

export interface GpPosterior {
  mean: number[];
  covariance: number[][];
  logMarginalLikelihood: number;
}

export const kernel = (k: GpKernel, a: number, b: number) =>
  k.signalVariance * Math.exp(-((a - b) ** 2) / (2 * k.lengthScale ** 2));

/** The lower Cholesky factor of a symmetric positive-definite matrix, or null if it is not. */
export function cholesky(a: readonly (readonly number[])[]): number[][] | null {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  return l;
}

/** L \ b for lower-triangular L. */
function forward(l: number[][], b: readonly number[]): number[] {
  const x = new Array<number>(b.length).fill(0);
  for (let i = 0; i < b.length; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/** Lᵀ \ b for lower-triangular L. */
function backward(l: number[][], b: readonly number[]): number[] {
  const n = b.length;
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/** The posterior of the curve at `at` (see the top of the file); null if K is not positive definite. */
export function gpPosterior(data: GpData, k: GpKernel, at: readonly number[]): GpPosterior | null {
  const n = data.x.length;
  const matrix = data.x.map((a, i) =>
    data.x.map((b, j) => kernel(k, a, b) + (i === j ? data.noiseVariance[i]! : 0)),
  );
  const l = cholesky(matrix);
  if (!l) return null;
  const residual = data.y.map((y) => y - data.priorMean);
  const alpha = backward(l, forward(l, residual));
  const cross = at.map((t) => data.x.map((x) => kernel(k, x, t)));
  const v = cross.map((c) => forward(l, c));
  const mean = cross.map((c) => data.priorMean + c.reduce((s, ci, i) => s + ci * alpha[i]!, 0));
  const covariance = at.map((a, i) =>
    at.map((b, j) => kernel(k, a, b) - v[i]!.reduce((s, vi, m) => s + vi * v[j]![m]!, 0)),
  );
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += Math.log(l[i]![i]!);
  const fit = residual.reduce((s, r, i) => s + r * alpha[i]!, 0);
  return {
    mean,
    covariance,
    logMarginalLikelihood: -0.5 * fit - logDet - (n / 2) * Math.log(2 * Math.PI),
  };
}

/** Length scales on inputs scaled to [0, 1], and signal sds as multiples of the data's scale. */
export const LENGTH_SCALES = [0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5];
export const SIGNAL_MULTIPLES = [0.125, 0.25, 0.5, 1, 2, 4];

/**
 * The kernel of largest marginal likelihood over the grid (ℓ in LENGTH_SCALES; s = c·scale,
 * c in SIGNAL_MULTIPLES, scale = √max(variance of y, mean noise variance)), and the prior mean
 * the precision-weighted mean of y. Null only if no kernel gives a positive-definite matrix.
 */
export function fitGp(
  x: readonly number[],
  y: readonly number[],
  noiseVariance: readonly number[],
): { data: GpData; kernel: GpKernel; logMarginalLikelihood: number } | null {
  const precision = noiseVariance.map((v) => 1 / v);
  const totalPrecision = precision.reduce((s, p) => s + p, 0);
  const priorMean = y.reduce((s, yi, i) => s + yi * precision[i]!, 0) / totalPrecision;
  const mean = y.reduce((s, v) => s + v, 0) / y.length;
  const spread = y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length;
  const noise = noiseVariance.reduce((s, v) => s + v, 0) / noiseVariance.length;
  const scale = Math.sqrt(Math.max(spread, noise, 1e-12));
  const data: GpData = { x, y, noiseVariance, priorMean };
  let best: { data: GpData; kernel: GpKernel; logMarginalLikelihood: number } | null = null;
  for (const lengthScale of LENGTH_SCALES)
    for (const c of SIGNAL_MULTIPLES) {
      const k = { lengthScale, signalVariance: (c * scale) ** 2 };
      const posterior = gpPosterior(data, k, []);
      if (posterior && (!best || posterior.logMarginalLikelihood > best.logMarginalLikelihood))
        best = { data, kernel: k, logMarginalLikelihood: posterior.logMarginalLikelihood };
    }
  return best;
}
