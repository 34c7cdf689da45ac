import type { ArmPosterior } from "./bandit-posterior";
import { cholesky } from "./bandit-regression";
import { normalCdf, normalPdf } from "./distributions";
import { SeededRandom } from "./random";

// Which arm is best, and what choosing each arm would cost, from independent posteriors.
//   P(i best) = ∫ f_i(x) Π_{j≠i} F_j(x) dx
//   expected loss of i = E[max_j θ_j] − E[θ_i]   (E[θ_i − min_j θ_j] when lower is better)
// Normal posteriors: exact up to quadrature (Simpson in z = (x − m_i)/s_i, with a step fine
// enough for the narrowest other arm), E[max] = Σ_i ∫ x f_i(x) Π_{j≠i} F_j(x) dx the same way.
// Beta posteriors: Monte Carlo with a seeded generator (GrowthBook draws 10,000 too), so a
// period's update gives the same weights however often it is recomputed.

export interface BestArms {
  /** P(arm is best), summing to 1. */
  probabilities: number[];
  /** Expected loss of choosing each arm, in the metric's unit (≥ 0). */
  expectedLoss: number[];
  method: "quadrature" | "monte-carlo";
}

export interface BestOptions {
  higherIsBetter?: boolean;
  /** Monte Carlo draws (Beta posteriors, or `method: "monte-carlo"`). */
  draws?: number;
  seed?: number;
  method?: "auto" | "monte-carlo";
}

export const DEFAULT_DRAWS = 10_000;
const Z_RANGE = 9;
const BASE_STEP = 0.04;
// Enough for an arm 100 times narrower than another; beyond that the step stops shrinking.
const MAX_STEPS = 20_000;

function quadrature(posteriors: readonly { mean: number; sd: number }[], sign: number): BestArms {
  const arms = posteriors.map((p) => ({ mean: sign * p.mean, sd: p.sd }));
  const probabilities: number[] = [];
  let expectedMax = 0;
  arms.forEach((arm, i) => {
    const others = arms.filter((_, j) => j !== i);
    if (arm.sd === 0) {
      let p = 1;
      for (const o of others)
        p *=
          o.sd === 0
            ? arm.mean > o.mean
              ? 1
              : arm.mean < o.mean
                ? 0
                : 0.5
            : normalCdf((arm.mean - o.mean) / o.sd);
      probabilities.push(p);
      expectedMax += arm.mean * p;
      return;
    }
    const narrowest = Math.min(...others.map((o) => (o.sd > 0 ? o.sd : arm.sd)));
    const steps = Math.min(
      MAX_STEPS,
      2 * Math.ceil(Z_RANGE / Math.min(BASE_STEP, (BASE_STEP * narrowest) / arm.sd)),
    );
    const h = (2 * Z_RANGE) / steps;
    let p = 0;
    let x = 0;
    for (let k = 0; k <= steps; k++) {
      const z = -Z_RANGE + k * h;
      const value = arm.mean + arm.sd * z;
      let f = normalPdf(z);
      for (const o of others) f *= o.sd > 0 ? normalCdf((value - o.mean) / o.sd) : value > o.mean ? 1 : 0;
      const w = k === 0 || k === steps ? 1 : k % 2 ? 4 : 2;
      p += w * f;
      x += w * f * value;
    }
    probabilities.push((p * h) / 3);
    expectedMax += (x * h) / 3;
  });
  const total = probabilities.reduce((s, p) => s + p, 0);
  return {
    probabilities: probabilities.map((p) => p / total),
    expectedLoss: arms.map((a) => Math.max(0, expectedMax / total - a.mean)),
    method: "quadrature",
  };
}

function monteCarlo(
  posteriors: readonly ArmPosterior[],
  sign: number,
  draws: number,
  seed: number,
): BestArms {
  const random = new SeededRandom(seed);
  const wins = new Array<number>(posteriors.length).fill(0);
  const sums = new Array<number>(posteriors.length).fill(0);
  let sumMax = 0;
  const sample = new Array<number>(posteriors.length);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    posteriors.forEach((p, i) => {
      const value =
        sign * (p.kind === "beta" ? random.beta(p.alpha, p.beta) : p.mean + p.sd * random.normal());
      sample[i] = value;
      sums[i]! += value;
      if (value > sample[best]!) best = i;
    });
    wins[best]!++;
    sumMax += sample[best]!;
  }
  return {
    probabilities: wins.map((w) => w / draws),
    expectedLoss: sums.map((s) => Math.max(0, (sumMax - s) / draws)),
    method: "monte-carlo",
  };
}

/** P(best) and expected loss per arm (see the top of the file). */
export function bestArms(posteriors: readonly ArmPosterior[], options: BestOptions = {}): BestArms {
  const sign = options.higherIsBetter === false ? -1 : 1;
  if (posteriors.length === 1) return { probabilities: [1], expectedLoss: [0], method: "quadrature" };
  const normal = posteriors.every((p) => p.kind === "normal");
  if (normal && options.method !== "monte-carlo") return quadrature(posteriors, sign);
  return monteCarlo(posteriors, sign, options.draws ?? DEFAULT_DRAWS, options.seed ?? 1);
}

/**
 * P(best) and expected loss from a joint normal posterior with correlated arms (the
 * period-effects model, bandit-regression.ts): Monte Carlo over θ = m + L z, L Lᵀ = Σ, with a
 * seeded generator (as for Beta posteriors). With two arms P(best) is exact: Φ(Δ / sd(Δ)).
 */
export function correlatedBestArms(
  means: readonly number[],
  covariance: readonly (readonly number[])[],
  options: BestOptions = {},
): BestArms {
  const sign = options.higherIsBetter === false ? -1 : 1;
  const k = means.length;
  if (k === 1) return { probabilities: [1], expectedLoss: [0], method: "quadrature" };
  const L = cholesky(covariance);
  if (!L) throw new Error("the posterior covariance is not positive definite");
  const random = new SeededRandom(options.seed ?? 1);
  const draws = options.draws ?? DEFAULT_DRAWS;
  const wins = new Array<number>(k).fill(0);
  const sums = new Array<number>(k).fill(0);
  let sumMax = 0;
  const z = new Array<number>(k);
  const value = new Array<number>(k);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < k; i++) z[i] = random.normal();
    let best = 0;
    for (let i = 0; i < k; i++) {
      let x = means[i]!;
      for (let j = 0; j <= i; j++) x += L[i]![j]! * z[j]!;
      value[i] = sign * x;
      sums[i]! += value[i]!;
      if (value[i]! > value[best]!) best = i;
    }
    wins[best]!++;
    sumMax += value[best]!;
  }
  // max − θ_i from the same draws: far less variance than E[max] alone minus the exact mean.
  const expectedLoss = sums.map((s) => Math.max(0, (sumMax - s) / draws));
  if (k === 2) {
    const sd = Math.sqrt(covariance[0]![0]! + covariance[1]![1]! - 2 * covariance[0]![1]!);
    const p0 = normalCdf((sign * (means[0]! - means[1]!)) / sd);
    return { probabilities: [p0, 1 - p0], expectedLoss, method: "monte-carlo" };
  }
  return { probabilities: wins.map((w) => w / draws), expectedLoss, method: "monte-carlo" };
}
