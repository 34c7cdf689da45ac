// From sufficient statistics (what SQL aggregates per variant) to the mean of a metric and
// the variance of that mean. Everything downstream (tests, intervals, Bayesian posteriors)
// works on these estimates, so each metric kind only has to say how it gets here.

/** Per-member metric: member count, sum and sum of squares of the member values. */
export type MeanStats = { n: number; sum: number; sumSquares: number };

/**
 * Two values per member: a ratio metric's numerator Y and denominator X (revenue and
 * orders for AOV), or a metric Y and its pre-exposure covariate X for CUPED.
 */
export type PairedStats = {
  n: number;
  sumY: number;
  sumX: number;
  sumYY: number;
  sumXX: number;
  sumXY: number;
};

/** The estimate of one arm: its mean and the variance of that mean (squared standard error). */
export type Estimate = {
  n: number;
  mean: number;
  /** Variance of the estimated mean: the per-member variance divided by n. */
  varianceOfMean: number;
};

export type Estimated = { ok: true; estimate: Estimate } | { ok: false; reason: string };

/** Sample (n − 1) variance and covariance from sums; never negative through rounding. */
function centred(n: number, sumA: number, sumB: number, sumAB: number): number {
  return (sumAB - (sumA * sumB) / n) / (n - 1);
}

function tooFew(n: number): string | null {
  if (!(n >= 2)) return n === 0 ? "no members in this arm yet" : "fewer than 2 members in this arm";
  return null;
}

/** Mean metric: x̄ = sum/n, s² = (Σx² − (Σx)²/n)/(n − 1), Var(x̄) = s²/n. */
export function meanEstimate(stats: MeanStats): Estimated {
  const reason = tooFew(stats.n);
  if (reason) return { ok: false, reason };
  const variance = Math.max(0, centred(stats.n, stats.sum, stats.sum, stats.sumSquares));
  return {
    ok: true,
    estimate: { n: stats.n, mean: stats.sum / stats.n, varianceOfMean: variance / stats.n },
  };
}

/**
 * Ratio metric Ȳ/X̄ (e.g. revenue per order) with the delta method, covariance included:
 * Var(Ȳ/X̄) ≈ (s²_Y/μ_X² − 2 μ_Y s_XY/μ_X³ + μ_Y² s²_X/μ_X⁴) / n.
 */
export function ratioEstimate(stats: PairedStats): Estimated {
  const reason = tooFew(stats.n);
  if (reason) return { ok: false, reason };
  const { n } = stats;
  const meanX = stats.sumX / n;
  const meanY = stats.sumY / n;
  if (meanX === 0) return { ok: false, reason: "the denominator is zero in this arm (e.g. no orders)" };
  const varY = centred(n, stats.sumY, stats.sumY, stats.sumYY);
  const varX = centred(n, stats.sumX, stats.sumX, stats.sumXX);
  const covXY = centred(n, stats.sumX, stats.sumY, stats.sumXY);
  const perMember = varY / meanX ** 2 - (2 * meanY * covXY) / meanX ** 3 + (meanY ** 2 * varX) / meanX ** 4;
  return {
    ok: true,
    estimate: { n, mean: meanY / meanX, varianceOfMean: Math.max(0, perMember) / n },
  };
}
