// BFGS with an Armijo backtracking line search, for the handful of parameters of a
// likelihood with an analytic gradient (docs/decisions/0022-clv-optimiser-own-bfgs.md says why
// it is ours). Models pass their log-parameters, so any real vector is a valid point and
// no bounds are needed.

export type Objective = (theta: readonly number[]) => { value: number; gradient: number[] };

export type OptimiseOptions = {
  /** Converged when every gradient component is at most this (on the objective's scale). */
  gradientTolerance?: number;
  maxIterations?: number;
  /** Give up once any coordinate is this far from its start (a log-parameter running off). */
  maxDistance?: number;
  /** A starting inverse Hessian, e.g. from a fit on a subsample (same objective scale). */
  inverseHessian?: number[][];
};

export type OptimiseResult = {
  theta: number[];
  value: number;
  gradient: number[];
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** BFGS's approximation of the inverse Hessian where it stopped. */
  inverseHessian: number[][];
  /** Why it stopped: "gradient below tolerance", "no further progress", "iteration limit", … */
  reason: string;
};

const maxAbs = (v: readonly number[]) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const dot = (u: readonly number[], v: readonly number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0);

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, the BFGS update of the inverse Hessian. */
function updateInverseHessian(H: number[][], s: number[], y: number[]): void {
  const rho = 1 / dot(y, s);
  const n = s.length;
  const Hy = H.map((row) => dot(row, y));
  const yHy = dot(y, Hy);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      H[i]![j] =
        H[i]![j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
}

/** Minimises `f` from `start`. A non-finite value counts as "too far": the step is shortened. */
export function minimise(
  f: Objective,
  start: readonly number[],
  options: OptimiseOptions = {},
): OptimiseResult {
  const tolerance = options.gradientTolerance ?? 1e-7;
  const maxIterations = options.maxIterations ?? 500;
  const maxDistance = options.maxDistance ?? Number.POSITIVE_INFINITY;
  let theta = [...start];
  let current = f(theta);
  let evaluations = 1;
  const warm = options.inverseHessian !== undefined;
  let H = options.inverseHessian?.map((row) => [...row]) ?? identity(theta.length);
  const done = (iterations: number, converged: boolean, reason: string): OptimiseResult => ({
    theta,
    value: current.value,
    gradient: current.gradient,
    iterations,
    evaluations,
    converged,
    inverseHessian: H,
    reason,
  });
  if (!Number.isFinite(current.value) || !current.gradient.every(Number.isFinite))
    return done(0, false, "the objective is not finite at the starting point");

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(current.gradient) <= tolerance) return done(iteration, true, "gradient below tolerance");
    let direction = H.map((row) => -dot(row, current.gradient));
    let slope = dot(direction, current.gradient);
    if (!(slope < 0)) {
      H = identity(theta.length); // lost positive definiteness: restart from steepest descent
      direction = current.gradient.map((g) => -g);
      slope = dot(direction, current.gradient);
    }
    // Cap the first trial step: in log-parameters a step of 3 already multiplies by e³.
    let step = Math.min(1, 3 / maxAbs(direction));
    let next: ReturnType<Objective> | null = null;
    let trial: number[] = theta;
    for (let halvings = 0; halvings < 40; halvings++, step /= 2) {
      trial = theta.map((t, i) => t + step * direction[i]!);
      const candidate = f(trial);
      evaluations++;
      if (Number.isFinite(candidate.value) && candidate.value < current.value + 1e-4 * step * slope) {
        next = candidate;
        break;
      }
    }
    if (!next || !next.gradient.every(Number.isFinite)) {
      const small = maxAbs(current.gradient) <= tolerance * 1e3;
      return done(
        iteration,
        small,
        small ? "no further progress at a near-zero gradient" : "no further progress",
      );
    }
    const s = trial.map((t, i) => t - theta[i]!);
    const y = next.gradient.map((g, i) => g - current.gradient[i]!);
    const ys = dot(y, s);
    if (ys > 1e-12 * Math.sqrt(dot(y, y) * dot(s, s))) {
      // Before the first update, scale the identity to the curvature just seen (Nocedal &
      // Wright 6.20), so the second step is already about the right length.
      if (iteration === 0 && !warm)
        H = identity(theta.length).map((row) => row.map((v) => (v * ys) / dot(y, y)));
      updateInverseHessian(H, s, y);
    }
    // A decrease within rounding of the value: the sums cannot resolve a better point.
    const stalled = current.value - next.value <= 4 * Number.EPSILON * Math.abs(current.value);
    theta = trial;
    current = next;
    if (stalled) {
      const small = maxAbs(current.gradient) <= tolerance * 1e3;
      return done(
        iteration + 1,
        small,
        small ? "no further progress at a near-zero gradient" : "no further progress",
      );
    }
    if (theta.some((t, i) => Math.abs(t - start[i]!) > maxDistance))
      return done(iteration + 1, false, "a parameter is running off to a limit");
  }
  return done(maxIterations, maxAbs(current.gradient) <= tolerance, "iteration limit");
}

/**
 * The inverse of the Hessian at `theta`, by forward differences of the analytic gradient
 * (one evaluation per parameter), symmetrised; null if it is not positive definite. At a
 * maximum-likelihood optimum of the negative log-likelihood this is the parameters'
 * asymptotic covariance.
 */
export function inverseHessian(f: Objective, theta: readonly number[]): number[][] | null {
  const n = theta.length;
  const at = f(theta).gradient;
  const columns = theta.map((t, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(t));
    const up = f(theta.map((v, j) => (j === i ? v + h : v))).gradient;
    return up.map((g, k) => (g - at[k]!) / h);
  });
  const H = columns.map((_, i) => columns.map((__, j) => (columns[i]![j]! + columns[j]![i]!) / 2));
  // Cholesky: fails exactly when H is not positive definite.
  const L = identity(n).map((row) => row.map(() => 0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = H[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  // H⁻¹ = L⁻ᵀ L⁻¹, column by column from the unit vectors.
  return identity(n).map((e) => {
    const y = [...e];
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < i; k++) y[i]! -= L[i]![k]! * y[k]!;
      y[i]! /= L[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      for (let k = i + 1; k < n; k++) y[i]! -= L[k]![i]! * y[k]!;
      y[i]! /= L[i]![i]!;
    }
    return y;
  });
}
