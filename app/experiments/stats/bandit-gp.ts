import type { ArmScorer } from "./bandit-allocation";
import type { ArmPosterior } from "./bandit-posterior";
import { cholesky, fitGp, gpPosterior } from "./gp";
import { SeededRandom } from "./random";

// Thompson sampling over a one-dimensional lever (the earn rate; ADR 0041):
// the arms are candidate values of one number, and a smooth curve through their
// period-weighted means (a Gaussian process, gp.ts) lets each arm borrow strength from its
// neighbours, so nine candidates need little more traffic than three. Each arm's target share
// is its probability of being the best under the GP's joint posterior at the candidates
// (Monte Carlo over correlated draws, seeded), as plain Thompson sampling does with
// independent posteriors. Candidates sit on a log scale (ratios of earn rates are what
// customers feel), mapped to [0, 1] over the range.

export const GP_DRAWS = 4_000;
/** Jitter added to the joint covariance before drawing from it (it is near singular when ℓ is long). */
const JITTER = 1e-9;

export interface CurvePoint {
  x: number;
  mean: number;
  sd: number;
}

/** Candidate positions on [0, 1]: log scale over [min, max]. */
export function unitPositions(values: readonly number[], min: number, max: number): number[] {
  const span = Math.log(max) - Math.log(min);
  return values.map((v) => (span > 0 ? (Math.log(v) - Math.log(min)) / span : 0.5));
}

/**
 * A scorer for `banditUpdate` over arms at `values` (in arm order) within [min, max]; it also
 * returns the smoothed curve at `curvePoints` points spread over the range (log scale).
 */
export function gpScorer(
  values: readonly number[],
  range: { min: number; max: number },
  options: { curvePoints?: number; draws?: number } = {},
): ArmScorer {
  const x = unitPositions(values, range.min, range.max);
  const count = options.curvePoints ?? 41;
  const grid = Array.from({ length: count }, (_, i) => i / (count - 1));
  const gridValues = grid.map((u) => range.min * Math.pow(range.max / range.min, u));
  return ({ posteriors, higherIsBetter, seed }) => {
    const y = posteriors.map((p) => p.mean);
    const noise = posteriors.map((p) => Math.max(p.sd ** 2, 1e-12));
    const fit = fitGp(x, y, noise);
    const atArms = fit && gpPosterior(fit.data, fit.kernel, x);
    const atGrid = fit && gpPosterior(fit.data, fit.kernel, grid);
    const factor =
      atArms && cholesky(atArms.covariance.map((row, i) => row.map((c, j) => c + (i === j ? JITTER : 0))));
    if (!fit || !atArms || !atGrid || !factor) return null;
    const sign = higherIsBetter === false ? -1 : 1;
    const arms = values.length;
    const wins = new Array<number>(arms).fill(0);
    const sums = new Array<number>(arms).fill(0);
    let bestSum = 0;
    const random = new SeededRandom(seed);
    const draws = options.draws ?? GP_DRAWS;
    const z = new Array<number>(arms);
    for (let d = 0; d < draws; d++) {
      for (let i = 0; i < arms; i++) z[i] = random.normal();
      let best = 0;
      let bestValue = -Infinity;
      for (let i = 0; i < arms; i++) {
        let theta = atArms.mean[i]!;
        for (let k = 0; k <= i; k++) theta += factor[i]![k]! * z[k]!;
        sums[i]! += theta;
        if (sign * theta > bestValue) {
          bestValue = sign * theta;
          best = i;
        }
      }
      wins[best]!++;
      bestSum += sign * bestValue;
    }
    const smoothed: ArmPosterior[] = atArms.mean.map((mean, i) => ({
      kind: "normal",
      mean,
      sd: Math.sqrt(Math.max(0, atArms.covariance[i]![i]!)),
    }));
    return {
      posteriors: smoothed,
      probabilities: wins.map((w) => w / draws),
      expectedLoss: sums.map((s) => Math.max(0, (sign * (bestSum - s)) / draws)),
      method: `gaussian-process (length scale ${fit.kernel.lengthScale} of the log range, signal sd ${Math.sqrt(fit.kernel.signalVariance).toPrecision(3)}), ${draws} joint draws`,
      curve: gridValues.map((v, i) => ({
        x: v,
        mean: atGrid.mean[i]!,
        sd: Math.sqrt(Math.max(0, atGrid.covariance[i]![i]!)),
      })),
    };
  };
}
