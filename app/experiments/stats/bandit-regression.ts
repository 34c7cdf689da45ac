import type { ArmPosterior, BanditPrior, RewardKind, WeightedArm } from "./bandit-posterior";
import type { MeanStats } from "./estimates";

// Each arm's posterior from a regression with period fixed effects (ADR 0038-bandits, "Period
// effects"): the additive model
//     y_i = α_p + θ_a + ε_i,   Var(ε_i) = σ²_a   (member i of arm a exposed in period p),
// fitted by weighted least squares from the per-period sufficient statistics. Every period's
// baseline α_p is estimated and removed, so a period cannot favour the arm that got more of it
// (the bias period weighting removes), and every member informs the contrasts of their own
// period: a period in which one arm sits at its floor still compares the other arms with all
// their members. Common period weights cannot do that with three or more arms (the harmonic
// size of such a period is small for every arm).
//
// With v_pa = n_pa / σ²_a, V_p = Σ_a v_pa and ȳʷ_p = Σ_a v_pa ȳ_pa / V_p, the arm effects solve
// the reduced normal equations C θ = b (the C-matrix of a block design),
//     C_ab = δ_ab Σ_p v_pa − Σ_p v_pa v_pb / V_p,   b_a = Σ_p v_pa (ȳ_pa − ȳʷ_p),
// identified up to a constant (θ_1 = 0 here), with Cov(θ) = C⁻¹ on the other arms. Each arm's
// mean is its least-squares mean over the experiment's members, m_a = θ_a + Σ_p π_p α_p with
// π_p = N_p / N (GrowthBook's period weights): m = θ − 1 gᵀθ + Y, g_a = Σ_p π_p v_pa / V_p,
// Y = Σ_p π_p ȳʷ_p. The within-period deviations are uncorrelated with the ȳʷ_p, so
//     Cov(m) = G Cov(θ) Gᵀ + Var(Y) 1 1ᵀ,   G = I − 1 gᵀ,   Var(Y) = Σ_p π_p² / V_p.
// The arms' posteriors are therefore correlated (they share the period effects): P(best)
// reads the joint normal (bandit-best.ts `correlatedBestArms`).
//
// σ²_a: a mean metric's within-period variance pooled over periods (as bandit-posterior.ts);
// a 0/1 metric's p̃(1 − p̃) with p̃ = (1 + conversions)/(2 + n), the per-member variance under
// the uniform prior's posterior mean, which stays positive before the first conversion.
// A normal prior N(μ₀, τ²) on each arm's mean combines by precision: (Σ⁻¹ + I/τ²)⁻¹.

export interface CorrelatedPosterior {
  ok: true;
  arms: WeightedArm[];
  /** Each arm's marginal (normal) posterior. */
  posteriors: ArmPosterior[];
  /** The joint posterior's covariance of the arms' means. */
  covariance: number[][];
  /** π_p = N_p / N, the periods' weights in the arms' least-squares means. */
  periodWeights: number[];
  notes: string[];
}

/** L with L Lᵀ = A for symmetric positive definite A; null otherwise. */
export function cholesky(A: readonly (readonly number[])[]): number[][] | null {
  const n = A.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 1e-14 * Math.abs(A[i]![i]!))) return null;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  return L;
}

/** A⁻¹ from A's Cholesky factor. */
function inverseFromCholesky(L: readonly number[][]): number[][] {
  const n = L.length;
  const inverse = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= L[i]![k]! * y[k]!;
      y[i] = s / L[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < n; k++) s -= L[k]![i]! * inverse[k]![c]!;
      inverse[i]![c] = s / L[i]![i]!;
    }
  }
  return inverse;
}

const multiply = (A: readonly number[][], x: readonly number[]) =>
  A.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));

/** Per-member variance of each arm (see the top of the file), or why there is none yet. */
function armVariances(
  periods: readonly (readonly MeanStats[])[],
  kind: RewardKind,
): { n: number; variance: number }[] | { reason: string } {
  const out: { n: number; variance: number }[] = [];
  for (let a = 0; a < periods[0]!.length; a++) {
    let n = 0;
    let sum = 0;
    let within = 0;
    let periodsIn = 0;
    for (const period of periods) {
      const s = period[a]!;
      if (s.n <= 0) continue;
      n += s.n;
      sum += s.sum;
      within += s.sumSquares - (s.sum * s.sum) / s.n;
      periodsIn++;
    }
    if (n === 0) return { reason: `arm ${a + 1}: no members in this arm yet` };
    if (kind === "binary") {
      const p = (1 + sum) / (2 + n);
      out.push({ n, variance: p * (1 - p) });
      continue;
    }
    if (n - periodsIn < 1) return { reason: `arm ${a + 1}: fewer than 2 members in a period of this arm` };
    const variance = Math.max(0, within / (n - periodsIn));
    if (!(variance > 0)) return { reason: `arm ${a + 1}: no variance in this arm yet` };
    out.push({ n, variance });
  }
  return out;
}

/** The arms' joint posterior under the period-effects model (see the top of the file). */
export function periodEffectsPosterior(
  periods: readonly (readonly MeanStats[])[],
  kind: RewardKind,
  prior: BanditPrior = { kind: "flat" },
): CorrelatedPosterior | { ok: false; reason: string } {
  const variances = armVariances(periods, kind);
  if ("reason" in variances) return { ok: false, reason: variances.reason };
  const K = variances.length;
  const C = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const b = new Array<number>(K).fill(0);
  const g = new Array<number>(K).fill(0);
  const N = variances.reduce((s, a) => s + a.n, 0);
  let Y = 0;
  let varianceY = 0;
  const periodWeights: number[] = [];
  for (const period of periods) {
    const v = period.map((s, a) => s.n / variances[a]!.variance);
    const V = v.reduce((s, x) => s + x, 0);
    const pi = period.reduce((s, x) => s + x.n, 0) / N;
    periodWeights.push(pi);
    if (!(V > 0)) continue;
    const means = period.map((s) => (s.n > 0 ? s.sum / s.n : 0));
    const weightedMean = v.reduce((s, x, a) => s + x * means[a]!, 0) / V;
    Y += pi * weightedMean;
    varianceY += (pi * pi) / V;
    for (let a = 0; a < K; a++) {
      if (!(v[a]! > 0)) continue;
      g[a]! += (pi * v[a]!) / V;
      b[a]! += v[a]! * (means[a]! - weightedMean);
      C[a]![a]! += v[a]!;
      for (let c = 0; c < K; c++) C[a]![c]! -= (v[a]! * v[c]!) / V;
    }
  }
  // θ_1 = 0: solve for the other arms' effects.
  const reduced = C.slice(1).map((row) => row.slice(1));
  const factor = K > 1 ? cholesky(reduced) : [];
  if (!factor) return { ok: false, reason: "some arm has not yet shared a period with the others" };
  const reducedCov = inverseFromCholesky(factor);
  const theta = [0, ...multiply(reducedCov, b.slice(1))];
  const covTheta = Array.from({ length: K }, (_, i) =>
    Array.from({ length: K }, (_, j) => (i > 0 && j > 0 ? reducedCov[i - 1]![j - 1]! : 0)),
  );
  const level = Y - g.reduce((s, x, a) => s + x * theta[a]!, 0);
  let mean = theta.map((t) => t + level);
  // Cov(m) = G Cov(θ) Gᵀ + Var(Y) 1 1ᵀ with G = I − 1 gᵀ.
  const gCov = covTheta[0]!.map((_, j) => covTheta.reduce((s, row, k) => s + g[k]! * row[j]!, 0));
  const gCovg = gCov.reduce((s, x, k) => s + x * g[k]!, 0);
  let covariance = covTheta.map((row, i) => row.map((x, j) => x - gCov[j]! - gCov[i]! + gCovg + varianceY));
  const arms: WeightedArm[] = variances.map((a, i) => ({
    n: a.n,
    mean: mean[i]!,
    variance: a.variance,
    effectiveN: a.variance / covariance[i]![i]!,
  }));
  if (prior.kind === "normal") {
    if (!(prior.variance > 0)) return { ok: false, reason: "the prior's variance must be positive" };
    const L = cholesky(covariance);
    if (!L) return { ok: false, reason: "the arms' posterior is degenerate" };
    const precision = inverseFromCholesky(L).map((row, i) =>
      row.map((x, j) => x + (i === j ? 1 / prior.variance : 0)),
    );
    const dataTerm = multiply(inverseFromCholesky(L), mean).map((x) => x + prior.mean / prior.variance);
    const P = cholesky(precision);
    if (!P) return { ok: false, reason: "the arms' posterior is degenerate" };
    covariance = inverseFromCholesky(P);
    mean = multiply(covariance, dataTerm);
  }
  return {
    ok: true,
    arms,
    posteriors: mean.map((m, i) => ({ kind: "normal", mean: m, sd: Math.sqrt(covariance[i]![i]!) })),
    covariance,
    periodWeights,
    notes: [],
  };
}
