import { describe, expect, it } from "vitest";

import { banditUpdate, DEFAULT_BANDIT_SETTINGS } from "./bandit-allocation";
import { gpScorer, unitPositions } from "./bandit-gp";
import type { ArmPosterior } from "./bandit-posterior";
import { cholesky, fitGp, gpPosterior } from "./gp";
import { SeededRandom } from "./random";
import fixtures from "./reference/gp-fixtures.json";

// The Gaussian process against reference/gp.py (numpy with explicit inverses, not a Cholesky),
// and the earn-rate scorer's P(best) against 2,000,000 numpy joint draws.

function close(actual: number, expected: number, tolerance = 1e-6) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

describe("GP posterior against reference/gp.py", () => {
  it.each(fixtures)("$name: fixed kernel", (f) => {
    const data = { x: f.x, y: f.y, noiseVariance: f.noiseVariance, priorMean: f.fixed.priorMean };
    const p = gpPosterior(data, f.fixed, f.fixed.at)!;
    p.mean.forEach((m, i) => close(m, f.fixed.mean[i]!));
    p.covariance.forEach((row, i) => row.forEach((c, j) => close(c, f.fixed.covariance[i]![j]!)));
    close(p.logMarginalLikelihood, f.fixed.logMarginalLikelihood);
  });

  it.each(fixtures)("$name: kernel by maximum marginal likelihood", (f) => {
    const fit = fitGp(f.x, f.y, f.noiseVariance)!;
    expect(fit.kernel.lengthScale).toBe(f.fit.lengthScale);
    close(fit.kernel.signalVariance, f.fit.signalVariance, 1e-9);
    close(fit.data.priorMean, f.fit.priorMean, 1e-9);
    close(fit.logMarginalLikelihood, f.fit.logMarginalLikelihood);
  });

  it.each(fixtures)("$name: the scorer's curve, smoothed arms and P(best)", (f) => {
    const draws = 20_000;
    const scorer = gpScorer(f.rates, { min: f.min, max: f.max }, { curvePoints: 11, draws });
    const posteriors: ArmPosterior[] = f.y.map((mean, i) => ({
      kind: "normal",
      mean,
      sd: Math.sqrt(f.noiseVariance[i]!),
    }));
    const result = scorer({ arms: [], posteriors, higherIsBetter: true, seed: 7, draws: undefined })!;
    result.curve!.forEach((point, i) => {
      close(point.x, f.min * Math.pow(f.max / f.min, i / 10), 1e-12);
      close(point.mean, f.fit.curveMean[i]!);
      close(point.sd, f.fit.curveSd[i]!);
    });
    result.posteriors.forEach((p, i) => {
      close(p.mean, f.fit.armMean[i]!);
      close(p.sd, f.fit.armSd[i]!);
    });
    const widest = Math.max(...f.fit.armSd);
    result.probabilities.forEach((p, i) => {
      const expected = f.fit.probabilityBest[i]!;
      expect(Math.abs(p - expected)).toBeLessThanOrEqual(
        4 * Math.sqrt(Math.max(expected * (1 - expected), 1e-4) / draws),
      );
    });
    result.expectedLoss.forEach((loss, i) =>
      expect(Math.abs(loss - f.fit.expectedLoss[i]!)).toBeLessThanOrEqual((8 * widest) / Math.sqrt(draws)),
    );
    expect(result.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
  });
});

describe("GP pieces", () => {
  it("Cholesky reproduces the matrix and refuses one that is not positive definite", () => {
    const a = [
      [4, 2, 0.4],
      [2, 3, 0.5],
      [0.4, 0.5, 2],
    ];
    const l = cholesky(a)!;
    a.forEach((row, i) =>
      row.forEach((v, j) =>
        close(
          l[i]!.reduce((s, lik, k) => s + lik * l[j]![k]!, 0),
          v,
          1e-12,
        ),
      ),
    );
    expect(
      cholesky([
        [1, 2],
        [2, 1],
      ]),
    ).toBeNull();
  });

  it("places candidates on a log scale over the range", () => {
    expect(unitPositions([1, 2, 4], 1, 4)).toEqual([0, 0.5, 1]);
  });

  it("a sure, sharply peaked curve puts the peak's probability of being best near 1, and it is reproducible", () => {
    const rates = [1, 2, 4, 8, 16];
    const posteriors: ArmPosterior[] = [10, 12, 15, 12, 10].map((mean) => ({
      kind: "normal",
      mean,
      sd: 0.1,
    }));
    const scorer = gpScorer(rates, { min: 1, max: 16 });
    const a = scorer({ arms: [], posteriors, higherIsBetter: true, seed: 3, draws: undefined })!;
    const b = scorer({ arms: [], posteriors, higherIsBetter: true, seed: 3, draws: undefined })!;
    expect(a.probabilities[2]).toBeGreaterThan(0.99);
    expect(a).toEqual(b);
    const lower = scorer({ arms: [], posteriors, higherIsBetter: false, seed: 3, draws: undefined })!;
    expect(lower.probabilities[2]).toBeLessThan(0.01);
  });

  it("drives banditUpdate: traffic moves toward the smoothed best within the guardrails, with the curve stored", () => {
    const random = new SeededRandom(11);
    const truth = [10, 11, 12, 11.5, 10];
    const periods = Array.from({ length: 4 }, () =>
      truth.map((mu) => {
        let sum = 0;
        let sumSquares = 0;
        for (let i = 0; i < 400; i++) {
          const y = mu + 5 * random.normal();
          sum += y;
          sumSquares += y * y;
        }
        return { n: 400, sum, sumSquares };
      }),
    );
    const update = banditUpdate({
      periods,
      kind: "mean",
      current: [0.2, 0.2, 0.2, 0.2, 0.2],
      periodIndex: 30,
      settings: DEFAULT_BANDIT_SETTINGS,
      seed: 31,
      scorer: gpScorer([1, 2, 4, 8, 16], { min: 1, max: 16 }),
    });
    expect(update.phase).toBe("thompson");
    expect(update.weightsBps.reduce((s, b) => s + b, 0)).toBe(10_000);
    expect(Math.max(...update.weights.map((w) => Math.abs(w - 0.2)))).toBeLessThanOrEqual(0.2 + 1e-4);
    expect(update.weights.every((w) => w >= 0.05 - 1e-4)).toBe(true);
    expect(update.weights.indexOf(Math.max(...update.weights))).toBe(2);
    expect(update.posterior!.curve).toHaveLength(41);
    expect(update.posterior!.method).toMatch(/gaussian-process/);
  });
});
