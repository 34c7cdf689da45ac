import type { Estimated, PairedStats } from "./estimates";

// CUPED (Deng, Xu, Kohavi & Walker 2013): subtract the part of each member's metric that
// their pre-exposure value predicts. θ comes from the covariance pooled across arms (within
// arm, so a treatment effect does not leak into it), and each arm is centred on the pooled
// covariate mean so adjusted means stay on the metric's own scale and relative lift keeps
// its meaning: Ŷ_adj = Ȳ − θ (X̄ − X̄_pooled), Var = (s²_Y − 2θ s_XY + θ² s²_X) / n.
// θ and X̄_pooled are treated as known, as in the paper and in GrowthBook.

export type CupedResult = {
  theta: number;
  /** Share of the pooled variance of Y removed by the adjustment, in [0, 1]. */
  varianceReduction: number;
  arms: Estimated[];
  /** Why the adjustment could not help (θ = 0 then), if it could not. */
  reason?: string;
};

export function cupedEstimates(arms: readonly PairedStats[]): CupedResult {
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let totalN = 0;
  let totalX = 0;
  for (const arm of arms) {
    if (arm.n < 1) continue;
    sxx += arm.sumXX - (arm.sumX * arm.sumX) / arm.n;
    sxy += arm.sumXY - (arm.sumX * arm.sumY) / arm.n;
    syy += arm.sumYY - (arm.sumY * arm.sumY) / arm.n;
    totalN += arm.n;
    totalX += arm.sumX;
  }
  let reason: string | undefined;
  let theta = 0;
  if (!(sxx > 0)) reason = "the pre-exposure covariate does not vary, so CUPED cannot reduce variance";
  else theta = sxy / sxx;
  const pooledX = totalN > 0 ? totalX / totalN : 0;
  const varianceReduction = syy > 0 && sxx > 0 ? Math.min(1, Math.max(0, (sxy * sxy) / (sxx * syy))) : 0;
  return {
    theta,
    varianceReduction,
    ...(reason ? { reason } : {}),
    arms: arms.map((arm) => adjusted(arm, theta, pooledX)),
  };
}

function adjusted(arm: PairedStats, theta: number, pooledX: number): Estimated {
  const { n } = arm;
  if (!(n >= 2)) {
    return { ok: false, reason: n === 0 ? "no members in this arm yet" : "fewer than 2 members in this arm" };
  }
  const varY = (arm.sumYY - (arm.sumY * arm.sumY) / n) / (n - 1);
  const varX = (arm.sumXX - (arm.sumX * arm.sumX) / n) / (n - 1);
  const covXY = (arm.sumXY - (arm.sumX * arm.sumY) / n) / (n - 1);
  const perMember = Math.max(0, varY - 2 * theta * covXY + theta * theta * varX);
  return {
    ok: true,
    estimate: {
      n,
      mean: arm.sumY / n - theta * (arm.sumX / n - pooledX),
      varianceOfMean: perMember / n,
    },
  };
}
