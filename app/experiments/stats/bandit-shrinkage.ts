// Partial pooling of per-segment arm estimates (contextual bandits, ADR 0044):
// segment s and arm a have an estimate y_{s,a} with known sampling variance v_{s,a}, and
//     y_{s,a} ~ N(θ_{s,a}, v_{s,a}),   θ_{s,a} ~ N(μ_a + β_s, τ²)   (β of the first segment 0),
// an additive model: μ_a is the arm's pooled level, β_s how much the segment's members differ
// from the average whatever the arm, and τ² how much a segment's arms depart from that, i.e.
// how much the best arm really differs between segments. τ² is estimated by restricted
// maximum likelihood (REML, Harville 1977) over a bounded interval, μ and β by weighted least
// squares at that τ²; each θ's posterior is then the empirical-Bayes one (Morris 1983):
//     B = v / (v + τ²),  mean = B m + (1 − B) y,  var = (1 − B) v + B² Var(m),
// with m = μ̂_a + β̂_s and Var(m) from the least squares, so a segment whose data are noisy
// compared with τ² is pulled to the pooled arm order, and with τ² = 0 every segment gets the
// pooled comparison exactly. A cell without data gets the prior: mean m, var τ² + Var(m).
// reference/bandit_shrinkage.py checks this against numpy/scipy.

export interface SegmentCell {
  /** The cell's estimate of the arm's mean in the segment. */
  mean: number;
  /** Its sampling variance (of the mean), > 0. */
  variance: number;
}

export interface ShrunkCell {
  mean: number;
  sd: number;
  /** B: the weight on the pooled prediction (1 = fully pooled, 0 = the segment's own data). */
  shrinkage: number;
}

export type ShrinkageResult =
  | {
      ok: true;
      /** Between-segment variance of the arms' departures from the additive model. */
      tau2: number;
      armMeans: number[];
      /** β_s, the first segment's 0. */
      segmentEffects: number[];
      /** `cells[s][a]`. */
      cells: ShrunkCell[][];
      /**
       * `covariance[s]`: the posterior covariance of segment s's arms. They share the fitted
       * segment effect β̂_s, so they are correlated: Cov(θ_a, θ_b) = B_a B_b x_aᵀ(XᵀWX)⁻¹x_b
       * off the diagonal. Which arm is best depends on their differences, which this keeps
       * from looking noisier than they are.
       */
      covariance: number[][][];
    }
  | { ok: false; reason: string };

/** Cholesky factor of a symmetric positive definite matrix, or null. */
export function cholesky(A: readonly (readonly number[])[]): number[][] | null {
  const n = A.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) {
        if (!(s > 1e-300)) return null;
        L[i]![i] = Math.sqrt(s);
      } else L[i]![j] = s / L[j]![j]!;
    }
  return L;
}

/** Solves L Lᵀ x = b. */
function cholSolve(L: readonly number[][], b: readonly number[]): number[] {
  const n = b.length;
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

interface Observation {
  s: number;
  a: number;
  y: number;
  v: number;
}

/** The design row of cell (s, a): arm a's level, plus segment s's effect (segment 0 is the reference). */
function designRow(s: number, a: number, arms: number, segments: number): number[] {
  const x = new Array<number>(arms + segments - 1).fill(0);
  x[a] = 1;
  if (s > 0) x[arms + s - 1] = 1;
  return x;
}

interface Fit {
  objective: number;
  coefficients: number[];
  L: number[][];
}

/** Weighted least squares at τ² = t and the REML objective −2ℓ_R (up to a constant). */
function fitAt(obs: readonly Observation[], t: number, arms: number, segments: number): Fit | null {
  const p = arms + segments - 1;
  const XtWX = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const XtWy = new Array<number>(p).fill(0);
  let logVariances = 0;
  for (const o of obs) {
    const w = 1 / (o.v + t);
    logVariances += Math.log(o.v + t);
    const x = designRow(o.s, o.a, arms, segments);
    for (let i = 0; i < p; i++) {
      if (!x[i]) continue;
      XtWy[i]! += w * o.y;
      for (let j = 0; j < p; j++) if (x[j]) XtWX[i]![j]! += w;
    }
  }
  const L = cholesky(XtWX);
  if (!L) return null;
  const coefficients = cholSolve(L, XtWy);
  let residual = 0;
  for (const o of obs) {
    const x = designRow(o.s, o.a, arms, segments);
    const fitted = x.reduce((sum, xi, i) => sum + xi * coefficients[i]!, 0);
    residual += (o.y - fitted) ** 2 / (o.v + t);
  }
  const logDet = 2 * L.reduce((sum, row, i) => sum + Math.log(row[i]!), 0);
  return { objective: logVariances + residual + logDet, coefficients, L };
}

const GRID = 64;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** The τ² in [0, upper] that minimises the REML objective: a log grid, then golden section around its best point. */
function restrictedMaximumLikelihood(objective: (t: number) => number, upper: number): number {
  const points = [0, ...Array.from({ length: GRID + 1 }, (_, k) => upper * 10 ** (-8 + (8 * k) / GRID))];
  const values = points.map(objective);
  const best = values.reduce((b, v, i) => (v < values[b]! ? i : b), 0);
  let lo = points[Math.max(0, best - 1)]!;
  let hi = points[Math.min(points.length - 1, best + 1)]!;
  let c = hi - GOLDEN * (hi - lo);
  let d = lo + GOLDEN * (hi - lo);
  let fc = objective(c);
  let fd = objective(d);
  while (hi - lo > 1e-13 * upper) {
    if (fc < fd) {
      hi = d;
      d = c;
      fd = fc;
      c = hi - GOLDEN * (hi - lo);
      fc = objective(c);
    } else {
      lo = c;
      c = d;
      fc = fd;
      d = lo + GOLDEN * (hi - lo);
      fd = objective(d);
    }
  }
  const candidate = (lo + hi) / 2;
  // The grid's ends can beat the interior search when the optimum sits on a bound.
  return [candidate, points[best]!].reduce((b, t) => (objective(t) < objective(b) ? t : b));
}

/**
 * Every segment's arm posteriors shrunk toward the pooled arm order (see the top). `cells[s][a]`
 * is null where segment s has no member of arm a. Needs two segments and two arms with data,
 * connected (every segment shares an arm with the others), and more cells than parameters.
 */
export function shrinkSegments(cells: readonly (readonly (SegmentCell | null)[])[]): ShrinkageResult {
  const segments = cells.length;
  const arms = cells[0]?.length ?? 0;
  if (segments < 2 || arms < 2) return { ok: false, reason: "needs at least two segments and two arms" };
  const obs: Observation[] = [];
  cells.forEach((row, s) =>
    row.forEach((cell, a) => {
      if (cell && Number.isFinite(cell.mean) && cell.variance > 0)
        obs.push({ s, a, y: cell.mean, v: cell.variance });
    }),
  );
  for (let s = 0; s < segments; s++)
    if (!obs.some((o) => o.s === s)) return { ok: false, reason: `segment ${s + 1} has no data` };
  if (obs.length <= arms + segments - 1)
    return { ok: false, reason: "too few segment-arm cells with data to estimate how segments differ" };
  const ys = obs.map((o) => o.y);
  const upper = (Math.max(...ys) - Math.min(...ys)) ** 2 + Math.max(...obs.map((o) => o.v));
  if (!(upper > 0)) return { ok: false, reason: "no spread in the segments' data" };
  const at = (t: number) => fitAt(obs, t, arms, segments);
  if (!at(0)) return { ok: false, reason: "the segments and arms do not overlap enough to compare" };
  const tau2 = restrictedMaximumLikelihood((t) => at(t)!.objective, upper);
  const fit = at(tau2)!;
  const covariance: number[][][] = [];
  const shrunk = cells.map((row, s) => {
    const xs = row.map((_, a) => designRow(s, a, arms, segments));
    const solved = xs.map((x) => cholSolve(fit.L, x));
    const own = row.map((_, a) => obs.find((c) => c.s === s && c.a === a));
    // B, and the variance the cell keeps of its own (τ² for a cell without data).
    const B = own.map((o) => (o ? o.v / (o.v + tau2) : 1));
    const kept = own.map((o, a) => (o ? (1 - B[a]!) * o.v : tau2));
    covariance.push(
      xs.map((_, a) =>
        xs.map((xb, b) => {
          const shared = B[a]! * B[b]! * solved[a]!.reduce((sum, zi, i) => sum + zi * xb[i]!, 0);
          return a === b ? Math.max(0, shared + kept[a]!) : shared;
        }),
      ),
    );
    return row.map((_, a): ShrunkCell => {
      const m = xs[a]!.reduce((sum, xi, i) => sum + xi * fit.coefficients[i]!, 0);
      const o = own[a];
      return {
        mean: o ? B[a]! * m + (1 - B[a]!) * o.y : m,
        sd: Math.sqrt(covariance[s]![a]![a]!),
        shrinkage: B[a]!,
      };
    });
  });
  return {
    ok: true,
    tau2,
    armMeans: fit.coefficients.slice(0, arms),
    segmentEffects: [0, ...fit.coefficients.slice(arms)],
    cells: shrunk,
    covariance,
  };
}
