// L2-regularised logistic regression by Newton's method (IRLS) on standardised features
// (ADR 0027-churn-own-logistic-regression). Objective, as scikit-learn's
// LogisticRegression(penalty="l2", C = 1/λ):  Σ log(1 + e^{−s_i η_i}) + (λ/2)‖β‖², η = β₀ + Xβ,
// the intercept unpenalised. The Hessian is (p+1)² — a Cholesky solve per step.

export type Standardiser = { mean: number[]; sd: number[] };

/** Column means and (population) standard deviations; constant columns get sd 0. */
export function fitStandardiser(X: readonly number[][]): Standardiser {
  const n = X.length;
  const p = X[0]?.length ?? 0;
  const mean = new Array<number>(p).fill(0);
  const sd = new Array<number>(p).fill(0);
  for (const row of X) for (let j = 0; j < p; j++) mean[j]! += row[j]! / n;
  for (const row of X) for (let j = 0; j < p; j++) sd[j]! += (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j]!) > 1e-12 ? Math.sqrt(sd[j]!) : 0;
  return { mean, sd };
}

/** z-scores; columns with sd 0 become 0 (they carry no information). */
export function standardise(s: Standardiser, x: readonly number[]): number[] {
  return x.map((v, j) => (s.sd[j]! > 0 ? (v - s.mean[j]!) / s.sd[j]! : 0));
}

export type LogisticFit =
  | { ok: true; intercept: number; coef: number[]; iterations: number; objective: number }
  | { ok: false; problem: "not-converged" | "invalid-input"; reason: string };

const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));
const log1pExp = (t: number) => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)));

/** Rows as one row-major Float64Array (n × p): the Newton loop's inner products stay on typed memory. */
function packRows(Z: readonly (readonly number[])[], p: number): Float64Array {
  const packed = new Float64Array(Z.length * p);
  Z.forEach((z, i) => packed.set(z, i * p));
  return packed;
}

/** Standardised rows, packed (n × p, row-major): `standardise` of each row without an array per row. */
export function standardiseRows(s: Standardiser, X: readonly (readonly number[])[]): PackedRows {
  const p = s.mean.length;
  const Z = new Float64Array(X.length * p);
  for (let i = 0; i < X.length; i++) {
    const x = X[i]!;
    for (let j = 0; j < p; j++) Z[i * p + j] = s.sd[j]! > 0 ? (x[j]! - s.mean[j]!) / s.sd[j]! : 0;
  }
  return { Z, n: X.length, p };
}

export type PackedRows = { Z: Float64Array; n: number; p: number };

/** `predictLogistic` of packed row i. */
export function predictPacked(
  fit: { intercept: number; coef: readonly number[] },
  rows: PackedRows,
  i: number,
): number {
  let eta = fit.intercept;
  for (let j = 0, at = i * rows.p; j < rows.p; j++) eta += fit.coef[j]! * rows.Z[at + j]!;
  return sigmoid(eta);
}

function objective(
  Z: Float64Array,
  p: number,
  y: readonly number[],
  w: Float64Array,
  lambda: number,
): number {
  let f = 0;
  for (let i = 0, n = y.length; i < n; i++) {
    const eta = linearAt(w, Z, i * p, p);
    f += y[i] ? log1pExp(-eta) : log1pExp(eta);
  }
  for (let j = 1; j < w.length; j++) f += (lambda / 2) * w[j]! ** 2;
  return f;
}

const linearAt = (w: Float64Array, Z: Float64Array, at: number, p: number) => {
  let eta = w[0]!;
  for (let j = 0; j < p; j++) eta += w[j + 1]! * Z[at + j]!;
  return eta;
};

/** Solve A x = b for symmetric positive definite A (Cholesky); null if not positive definite. */
export function choleskySolve(A: readonly number[][], b: readonly number[]): number[] | null {
  const n = b.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * z[k]!;
    z[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

/**
 * Fit on already-standardised rows Z (n × p) and 0/1 labels. Newton steps with step halving
 * until the largest step is below `tol`; λ > 0 keeps the Hessian positive definite even when
 * the classes separate.
 */
export function fitLogistic(
  Z: readonly number[][],
  y: readonly number[],
  lambda: number,
  options: { tol?: number; maxIterations?: number } = {},
): LogisticFit {
  const p = Z[0]?.length ?? 0;
  return fitPackedLogistic({ Z: packRows(Z, p), n: Z.length, p }, y, lambda, options);
}

/** `fitLogistic` on rows already packed (standardiseRows). */
export function fitPackedLogistic(
  rows: PackedRows,
  y: readonly number[],
  lambda: number,
  { tol = 1e-10, maxIterations = 100 } = {},
): LogisticFit {
  const { n, p, Z: X } = rows;
  if (n === 0 || y.length !== n)
    return { ok: false, problem: "invalid-input", reason: "no rows, or labels do not match rows" };
  if (!(lambda > 0))
    return { ok: false, problem: "invalid-input", reason: `λ must be positive (got ${lambda})` };
  const m = p + 1;
  let w = new Float64Array(m);
  let f = objective(X, p, y, w, lambda);
  const g = new Float64Array(m);
  const H = new Float64Array(m * m);
  const vz = new Float64Array(p);
  for (let it = 1; it <= maxIterations; it++) {
    g.fill(0);
    H.fill(0);
    for (let i = 0; i < n; i++) {
      const at = i * p;
      const mu = sigmoid(linearAt(w, X, at, p));
      const r = mu - y[i]!;
      const v = mu * (1 - mu);
      g[0]! += r;
      H[0]! += v;
      for (let a = 0; a < p; a++) {
        const za = X[at + a]!;
        g[a + 1]! += r * za;
        vz[a] = v * za;
        H[(a + 1) * m]! += vz[a]!;
      }
      // Lower triangle only (mirrored below): row a+1, columns 1..a+1.
      for (let a = 0; a < p; a++) {
        const row = (a + 1) * m + 1;
        const va = vz[a]!;
        for (let b = 0; b <= a; b++) H[row + b]! += va * X[at + b]!;
      }
    }
    const Hm: number[][] = Array.from({ length: m }, (_, a) => Array.from(H.subarray(a * m, a * m + m)));
    for (let a = 1; a < m; a++) {
      g[a]! += lambda * w[a]!;
      Hm[a]![a]! += lambda;
      for (let b = 0; b < a; b++) Hm[b]![a] = Hm[a]![b]!;
    }
    const step = choleskySolve(Hm, Array.from(g));
    if (!step) return { ok: false, problem: "not-converged", reason: "the Hessian is not positive definite" };
    let t = 1;
    let next = w.map((v, j) => v - step[j]!);
    let fNext = objective(X, p, y, next, lambda);
    while (fNext > f + 1e-12 * Math.abs(f) && t > 1e-8) {
      t /= 2;
      next = w.map((v, j) => v - t * step[j]!);
      fNext = objective(X, p, y, next, lambda);
    }
    const size = Math.max(...step.map((s) => Math.abs(t * s)));
    w = next;
    f = fNext;
    if (size < tol)
      return { ok: true, intercept: w[0]!, coef: Array.from(w.subarray(1)), iterations: it, objective: f };
  }
  return { ok: false, problem: "not-converged", reason: `no convergence in ${maxIterations} Newton steps` };
}

/** P(y = 1) for a standardised row. */
export function predictLogistic(
  fit: { intercept: number; coef: readonly number[] },
  z: readonly number[],
): number {
  // β₀ + Σ β_j z_j in j order, without copying the coefficients per call.
  let eta = fit.intercept;
  for (let j = 0; j < z.length; j++) eta += fit.coef[j]! * z[j]!;
  return sigmoid(eta);
}

/** P(y = 1) for a raw row: `predictLogistic(fit, standardise(s, x))` without the standardised copy. */
export function predictRaw(
  fit: { intercept: number; coef: readonly number[] },
  s: Standardiser,
  x: readonly number[],
): number {
  let eta = fit.intercept;
  for (let j = 0; j < x.length; j++)
    eta += fit.coef[j]! * (s.sd[j]! > 0 ? (x[j]! - s.mean[j]!) / s.sd[j]! : 0);
  return sigmoid(eta);
}

/**
 * Indices of the `k` largest positive values, largest first, ties in index order: what
 * filtering the positives, sorting them (stably) by value descending and keeping `k` gives,
 * without an object per value (the drivers of 100,000 members).
 */
export function topPositive(values: ArrayLike<number>, k: number): number[] {
  const top: number[] = [];
  for (let j = 0; j < values.length; j++) {
    const v = values[j]!;
    if (!(v > 0)) continue;
    let at = top.length;
    while (at > 0 && values[top[at - 1]!]! < v) at--;
    if (at >= k) continue;
    top.splice(at, 0, j);
    if (top.length > k) top.pop();
  }
  return top;
}
