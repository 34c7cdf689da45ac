// Always-valid confidence sequences with the two-sided normal-mixture boundary (Robbins;
// Howard, Ramdas, McAuliffe & Sekhon 2021, eq. 14; Waudby-Smith et al. 2023 for the
// asymptotic version GrowthBook uses). With N members in the comparison and per-member
// variance s² = N·Var(estimate), the interval's half-width is
//   s · sqrt( 2(Nρ² + 1) / (N²ρ²) · ln( sqrt(Nρ² + 1) / α ) ),
// valid simultaneously at every N, so the merchant may look every day. ρ sets where the
// boundary is tightest: ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*, with N* the tuning parameter
// (GrowthBook's `sequentialTuningParameter`, default 5,000): choose N* near the planned
// sample size of the comparison.

export const DEFAULT_SEQUENTIAL_TUNING = 5000;

export function mixtureRhoSquared(alpha: number, tuning: number): number {
  return (-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / tuning;
}

/**
 * The sequence's half-width in standard errors (the fixed-horizon z₁₋α/₂ is its analogue):
 * half-width = multiplier · se, since s² = N · se².
 */
export function sequentialMultiplier(totalN: number, alpha: number, tuning: number): number {
  const rho2 = mixtureRhoSquared(alpha, tuning);
  const a = totalN * rho2 + 1;
  return Math.sqrt(((2 * a) / (totalN * rho2)) * Math.log(Math.sqrt(a) / alpha));
}

/**
 * Always-valid p-value at this look: the smallest α whose sequence (with ρ fixed by the
 * design α) excludes zero, i.e. 1 / (the mixture likelihood ratio), capped at 1:
 *   p = min(1, sqrt(Nρ² + 1) · exp(−z² Nρ² / (2 (Nρ² + 1)))),  z = estimate / se.
 */
export function sequentialPValue(z: number, totalN: number, alpha: number, tuning: number): number {
  const rho2 = mixtureRhoSquared(alpha, tuning);
  const a = totalN * rho2 + 1;
  return Math.min(1, Math.sqrt(a) * Math.exp((-z * z * totalN * rho2) / (2 * a)));
}
