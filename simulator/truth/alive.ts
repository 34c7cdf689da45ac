// Closed forms for one customer whose BG/NBD latents (λ, p) are known. Exposure is measured
// in years of average seasonal intensity (calendar.cumulative), which turns the seasonal
// process into a homogeneous Poisson process with rate λ.

/**
 * P(alive at T | λ, p, x repeat purchases, last at t_x). A customer can only drop out right
 * after a repeat purchase, so with x = 0 they are alive; otherwise the likelihoods of "alive"
 * ((1−p) e^{−λ·U}) and "dropped out after the last purchase" (p) are compared, with U the
 * exposure from t_x to T.
 */
export function probabilityAlive(
  lambdaPerYear: number,
  p: number,
  repeatPurchases: number,
  exposureSinceLast: number,
): number {
  if (repeatPurchases === 0) return 1;
  const alive = (1 - p) * Math.exp(-lambdaPerYear * exposureSinceLast);
  return alive / (alive + p);
}

/**
 * Expected purchases in the next `exposure` years for a customer alive now: in operational
 * time each purchase arrives at rate λ and is followed by dropout with probability p, so
 * E[N] = Σ_k P(Poisson(λU) ≥ k)(1−p)^{k−1} = (1 − e^{−pλU}) / p.
 */
export function expectedPurchasesIfAlive(lambdaPerYear: number, p: number, exposure: number): number {
  if (p <= 1e-12) return lambdaPerYear * exposure;
  return (1 - Math.exp(-p * lambdaPerYear * exposure)) / p;
}
