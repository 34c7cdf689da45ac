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

function objective(Z: readonly number[][], y: readonly number[], w: number[], lambda: number): number {
  let f = 0;
  for (let i = 0; i < Z.length; i++) {
    const eta = linear(w, Z[i]!);
    f += y[i] ? log1pExp(-eta) : log1pExp(eta);
  }
  for (let j = 1; j < w.length; j++) f += (lambda / 2) * w[j]! ** 2;
  return f;
}

const linear = (w: readonly number[], z: readonly number[]) => {
  let eta = w[0]!;
  for (let j = 0; j < z.length; j++) eta += w[j + 1]! * z[j]!;
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
  { tol = 1e-10, maxIterations = 100 } = {},
): LogisticFit {
  const n = Z.length;
  const p = Z[0]?.length ?? 0;
  if (n === 0 || y.length !== n)
    return { ok: false, problem: "invalid-input", reason: "no rows, or labels do not match rows" };
  if (!(lambda > 0))
    return { ok: false, problem: "invalid-input", reason: `λ must be positive (got ${lambda})` };
  const m = p + 1;
  const w = new Array<number>(m).fill(0);
  let f = objective(Z, y, w, lambda);
  for (let it = 1; it <= maxIterations; it++) {
    const g = new Array<number>(m).fill(0);
    const H = Array.from({ length: m }, () => new Array<number>(m).fill(0));
    for (let i = 0; i < n; i++) {
      const z = Z[i]!;
      const mu = sigmoid(linear(w, z));
      const r = mu - y[i]!;
      const v = mu * (1 - mu);
      g[0]! += r;
      H[0]![0]! += v;
      for (let a = 0; a < p; a++) {
        g[a + 1]! += r * z[a]!;
        H[a + 1]![0]! += v * z[a]!;
        for (let b = 0; b <= a; b++) H[a + 1]![b + 1]! += v * z[a]! * z[b]!;
      }
    }
    for (let a = 1; a < m; a++) {
      g[a]! += lambda * w[a]!;
      H[a]![a]! += lambda;
      for (let b = 0; b < a; b++) H[b]![a] = H[a]![b]!;
    }
    const step = choleskySolve(H, g);
    if (!step) return { ok: false, problem: "not-converged", reason: "the Hessian is not positive definite" };
    let t = 1;
    let next = w.map((v, j) => v - step[j]!);
    let fNext = objective(Z, y, next, lambda);
    while (fNext > f + 1e-12 * Math.abs(f) && t > 1e-8) {
      t /= 2;
      next = w.map((v, j) => v - t * step[j]!);
      fNext = objective(Z, y, next, lambda);
    }
    const size = Math.max(...step.map((s) => Math.abs(t * s)));
    for (let j = 0; j < m; j++) w[j] = next[j]!;
    f = fNext;
    if (size < tol) return { ok: true, intercept: w[0]!, coef: w.slice(1), iterations: it, objective: f };
  }
  return { ok: false, problem: "not-converged", reason: `no convergence in ${maxIterations} Newton steps` };
}

/** P(y = 1) for a standardised row. */
export function predictLogistic(
  fit: { intercept: number; coef: readonly number[] },
  z: readonly number[],
): number {
  return sigmoid(linear([fit.intercept, ...fit.coef], z));
}
