import { choleskySolve } from "../churn/logistic";

// Penalised Poisson regression with one intercept per group (product) shrunk towards the
// pooled intercept (ADR 0034-weekly-picks-forecast). Objective, minimised:
//   Σ_i [μ_i − y_i η_i] + (λ_g/2) Σ_g α_g² + (λ_x/2) Σ_j β_j²,
//   η_i = β₀ + α_{g(i)} + x_i·β,  μ_i = e^{η_i},
// β₀ unpenalised. Newton steps: the group block of the Hessian is diagonal, so it is
// eliminated (Schur complement) and only a (1 + p)² system is solved, whatever the
// number of products.

export interface PoissonRows {
  /** Group (product) index of each row, 0 … groups − 1. */
  group: readonly number[];
  /** Shared covariates of each row (same length p for every row). */
  x: readonly (readonly number[])[];
  y: readonly number[];
  groups: number;
}

export type PoissonFit =
  | {
      ok: true;
      intercept: number;
      /** One shrunk effect per group (0 for a group with no rows). */
      groupEffect: number[];
      coef: number[];
      iterations: number;
      objective: number;
    }
  | { ok: false; problem: "not-converged" | "invalid-input"; reason: string };

export interface PoissonOptions {
  lambdaGroup: number;
  lambdaCoef: number;
  maxIterations?: number;
  tol?: number;
}

const MAX_ETA = 30;

function etas(rows: PoissonRows, b0: number, a: readonly number[], beta: readonly number[]): Float64Array {
  const eta = new Float64Array(rows.y.length);
  for (let i = 0; i < eta.length; i++) {
    let e = b0 + a[rows.group[i]!]!;
    const xi = rows.x[i]!;
    for (let j = 0; j < beta.length; j++) e += beta[j]! * xi[j]!;
    eta[i] = Math.min(MAX_ETA, e);
  }
  return eta;
}

function objective(
  rows: PoissonRows,
  b0: number,
  a: readonly number[],
  beta: readonly number[],
  o: PoissonOptions,
) {
  const eta = etas(rows, b0, a, beta);
  let f = 0;
  for (let i = 0; i < eta.length; i++) f += Math.exp(eta[i]!) - rows.y[i]! * eta[i]!;
  for (const v of a) f += (o.lambdaGroup / 2) * v * v;
  for (const v of beta) f += (o.lambdaCoef / 2) * v * v;
  return f;
}

export function fitPoisson(rows: PoissonRows, options: PoissonOptions): PoissonFit {
  const n = rows.y.length;
  const p = rows.x[0]?.length ?? 0;
  const G = rows.groups;
  if (n === 0 || G === 0 || options.lambdaGroup <= 0 || options.lambdaCoef < 0)
    return { ok: false, problem: "invalid-input", reason: "no rows, no groups or a non-positive penalty" };
  if (
    rows.y.some((v) => !(v >= 0)) ||
    rows.x.some((r) => r.length !== p || r.some((v) => !Number.isFinite(v)))
  )
    return { ok: false, problem: "invalid-input", reason: "counts must be ≥ 0 and covariates finite" };
  const maxIterations = options.maxIterations ?? 100;
  const tol = options.tol ?? 1e-10;
  const meanY = rows.y.reduce((s, v) => s + v, 0) / n;
  let b0 = Math.log(Math.max(meanY, 1e-6));
  let a = new Array<number>(G).fill(0);
  let beta = new Array<number>(p).fill(0);
  let f = objective(rows, b0, a, beta, options);
  const k = 1 + p; // the shared block: intercept and covariates
  for (let iter = 1; iter <= maxIterations; iter++) {
    const eta = etas(rows, b0, a, beta);
    // Gradient and Hessian, blocks: groups (diagonal D, gradient ga), shared (H, gs), cross C (G × k).
    const D = new Float64Array(G).fill(options.lambdaGroup);
    const ga = a.map((v) => options.lambdaGroup * v);
    const C = Array.from({ length: G }, () => new Float64Array(k));
    const H = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const gs = new Array<number>(k).fill(0);
    for (let j = 0; j < p; j++) {
      H[j + 1]![j + 1] = options.lambdaCoef;
      gs[j + 1] = options.lambdaCoef * beta[j]!;
    }
    const z = new Array<number>(k);
    for (let i = 0; i < n; i++) {
      const mu = Math.exp(eta[i]!);
      const r = mu - rows.y[i]!;
      const g = rows.group[i]!;
      z[0] = 1;
      const xi = rows.x[i]!;
      for (let j = 0; j < p; j++) z[j + 1] = xi[j]!;
      D[g]! += mu;
      ga[g]! += r;
      const Cg = C[g]!;
      for (let u = 0; u < k; u++) {
        const zu = z[u]!;
        gs[u]! += r * zu;
        Cg[u]! += mu * zu;
        const Hu = H[u]!;
        for (let v = 0; v <= u; v++) Hu[v]! += mu * zu * z[v]!;
      }
    }
    for (let u = 0; u < k; u++) for (let v = u + 1; v < k; v++) H[u]![v] = H[v]![u]!;
    // Schur complement: (H − Cᵀ D⁻¹ C) δs = −(gs − Cᵀ D⁻¹ ga); δa = −D⁻¹ (ga + C δs).
    const S = H.map((row) => [...row]);
    const rhs = gs.map((v) => -v);
    for (let g = 0; g < G; g++) {
      const Cg = C[g]!;
      const inv = 1 / D[g]!;
      for (let u = 0; u < k; u++) {
        rhs[u]! += Cg[u]! * inv * ga[g]!;
        for (let v = 0; v < k; v++) S[u]![v]! -= Cg[u]! * inv * Cg[v]!;
      }
    }
    const ds = choleskySolve(S, rhs);
    if (!ds) return { ok: false, problem: "not-converged", reason: "the Hessian is not positive definite" };
    const da = a.map((_, g) => {
      let s = ga[g]!;
      for (let u = 0; u < k; u++) s += C[g]![u]! * ds[u]!;
      return -s / D[g]!;
    });
    let step = 1;
    let accepted = false;
    for (let halvings = 0; halvings < 30 && !accepted; halvings++, step /= 2) {
      const cb0 = b0 + step * ds[0]!;
      const ca = a.map((v, g) => v + step * da[g]!);
      const cbeta = beta.map((v, j) => v + step * ds[j + 1]!);
      const cf = objective(rows, cb0, ca, cbeta, options);
      if (cf <= f + 1e-12 * Math.abs(f)) {
        [b0, a, beta, f, accepted] = [cb0, ca, cbeta, cf, true];
      }
    }
    let moved = Math.abs(ds.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
    for (const v of da) moved = Math.max(moved, Math.abs(v));
    // No descent left at machine precision: converged when the Newton step is already tiny.
    if (moved < tol || (!accepted && moved < 1e-6))
      return { ok: true, intercept: b0, groupEffect: a, coef: beta, iterations: iter, objective: f };
    if (!accepted) return { ok: false, problem: "not-converged", reason: "no step lowers the objective" };
  }
  return { ok: false, problem: "not-converged", reason: `no convergence in ${maxIterations} Newton steps` };
}

/** Expected count of a row with group effect `groupEffect` and covariates `x`. */
export function predictPoisson(
  fit: Extract<PoissonFit, { ok: true }>,
  groupEffect: number,
  x: readonly number[],
): number {
  let eta = fit.intercept + groupEffect;
  for (let j = 0; j < fit.coef.length; j++) eta += fit.coef[j]! * x[j]!;
  return Math.exp(Math.min(MAX_ETA, eta));
}
