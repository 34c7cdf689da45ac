// The search for BG/NBD's maximum: BFGS on log-parameters of the mean negative
// log-likelihood per customer (so the gradient tolerance means the same at any size), from
// two starting points; on large data, first on a thinned subsample, whose optimum and
// curvature start the full fit a few Newton-like steps from its own.
import { bgNbdLikelihood, type BgNbdParams } from "./bgnbd-likelihood";
import type { GroupedSummaries } from "./customers";
import { minimise, type Objective, type OptimiseResult } from "./optimise";

export const paramsFromTheta = (t: readonly number[]): BgNbdParams => ({
  r: Math.exp(t[0]!),
  alpha: Math.exp(t[1]!),
  a: Math.exp(t[2]!),
  b: Math.exp(t[3]!),
});

export function bgNbdObjective(groups: GroupedSummaries): Objective {
  return (theta) => {
    const p = paramsFromTheta(theta);
    const { logLikelihood, gradient } = bgNbdLikelihood(p, groups);
    const scale = [p.r, p.alpha, p.a, p.b];
    return {
      value: -logLikelihood / groups.customers,
      gradient: gradient.map((g, i) => (-g * scale[i]!) / groups.customers),
    };
  };
}

const THINNED_GROUPS = 50_000;

/** Every k-th group with its own copy of the times (a warm start needs no fair sample). */
function thinned(groups: GroupedSummaries): GroupedSummaries | null {
  const k = Math.ceil(groups.count.length / THINNED_GROUPS);
  if (k <= 1) return null;
  const m = Math.ceil(groups.count.length / k);
  const out = {
    ...groups,
    txs: new Float64Array(m),
    Ts: new Float64Array(m),
    groupX: new Uint32Array(m),
    groupTx: new Uint32Array(m),
    groupT: new Uint32Array(m),
    count: new Float64Array(m),
    customers: 0,
    repeatBuyers: 0,
  };
  for (let j = 0; j < m; j++) {
    const g = j * k;
    out.txs[j] = groups.txs[groups.groupTx[g]!]!;
    out.Ts[j] = groups.Ts[groups.groupT[g]!]!;
    out.groupX[j] = groups.groupX[g]!;
    out.groupTx[j] = j;
    out.groupT[j] = j;
    out.count[j] = groups.count[g]!;
    out.customers += groups.count[g]!;
    if (groups.xs[groups.groupX[g]!]! > 0) out.repeatBuyers += groups.count[g]!;
  }
  return out;
}

/** The best of the starts: converged before not, then the lowest value. */
export function searchBgNbd(
  groups: GroupedSummaries,
  meanT: number,
  maxIterations: number,
  acceptable: (theta: readonly number[]) => boolean,
): OptimiseResult {
  const starts: { theta: number[]; inverseHessian?: number[][] }[] = [
    { theta: [0, Math.log(meanT), 0, 0] },
    { theta: [Math.log(0.5), Math.log(meanT / 10), Math.log(0.5), Math.log(2)] },
  ];
  const sample = thinned(groups);
  if (sample) {
    const warm = searchBgNbd(sample, meanT, maxIterations, acceptable);
    if (warm.converged) starts.unshift({ theta: warm.theta, inverseHessian: warm.inverseHessian });
  }
  const objective = bgNbdObjective(groups);
  let best: OptimiseResult | null = null;
  for (const start of starts) {
    const result = minimise(objective, start.theta, {
      maxIterations,
      maxDistance: 25,
      inverseHessian: start.inverseHessian,
    });
    if (
      !best ||
      (result.converged && !best.converged) ||
      (result.converged === best.converged && result.value < best.value)
    )
      best = result;
    if (result.converged && acceptable(result.theta)) break;
  }
  return best!;
}
