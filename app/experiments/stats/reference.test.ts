import { describe, expect, it } from "vitest";

import { benjaminiHochberg, holm } from "./adjust";
import { bayesian, type Prior } from "./bayesian";
import { cupedEstimates } from "./cuped";
import { meanEstimate, ratioEstimate, type Estimate, type Estimated } from "./estimates";
import { compare, type Comparison, type Lift, type Method } from "./frequentist";
import { minimumDetectableEffect, type PlanInput } from "./power";
import fixtures from "./reference/fixtures.json";
import { sequentialMultiplier, sequentialPValue } from "./sequential";
import { sampleRatioMismatch } from "./srm";

// Every number against independent values from reference/compute.py (numpy/scipy from the
// raw per-member data), to 1e-6 relative to the number's size.

function close(actual: number, expected: number, tolerance = 1e-6) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

type ExpectedLift = { estimate: number; standardError: number; lower: number; upper: number; pValue: number };

function closeLift(actual: Lift | null, expected: ExpectedLift | null) {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  for (const key of ["estimate", "standardError", "lower", "upper", "pValue"] as const)
    close(actual![key], expected[key]);
}

function estimateOf(result: Estimated): Estimate {
  if (!result.ok) throw new Error(result.reason);
  return result.estimate;
}

function okComparison(result: Comparison) {
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe("means: Welch / z / sequential with delta-method relative lift", () => {
  it.each(fixtures.means)("$name", (f) => {
    const control = estimateOf(meanEstimate(f.control));
    const treatment = estimateOf(meanEstimate(f.treatment));
    close(control.mean, f.controlMean);
    close(control.varianceOfMean, f.controlVarianceOfMean);
    const result = okComparison(
      compare(control, treatment, {
        alpha: f.alpha,
        method: f.method as Method,
        sequentialTuning: f.sequentialTuning,
      }),
    );
    if (f.degreesOfFreedom !== null) close(result.degreesOfFreedom, f.degreesOfFreedom);
    closeLift(result.absolute, f.absolute);
    closeLift(result.relative, f.relative);
  });
});

describe("ratio metrics with the covariance term", () => {
  it.each(fixtures.ratios)("$name", (f) => {
    const control = estimateOf(ratioEstimate(f.control));
    const treatment = estimateOf(ratioEstimate(f.treatment));
    close(control.mean, f.controlMean);
    close(control.varianceOfMean, f.controlVarianceOfMean);
    close(treatment.mean, f.treatmentMean);
    close(treatment.varianceOfMean, f.treatmentVarianceOfMean);
    const result = okComparison(compare(control, treatment));
    closeLift(result.absolute, f.absolute);
    closeLift(result.relative, f.relative);
  });
});

describe("CUPED", () => {
  it.each(fixtures.cuped)("$name", (f) => {
    const cuped = cupedEstimates([f.control, f.treatment]);
    close(cuped.theta, f.theta);
    close(cuped.varianceReduction, f.varianceReduction);
    const [control, treatment] = cuped.arms.map(estimateOf) as [Estimate, Estimate];
    close(control.mean, f.controlMean);
    close(treatment.mean, f.treatmentMean);
    close(control.varianceOfMean, f.controlVarianceOfMean);
    close(treatment.varianceOfMean, f.treatmentVarianceOfMean);
    const result = okComparison(compare(control, treatment));
    closeLift(result.absolute, f.absolute);
    closeLift(result.relative, f.relative);
  });
});

describe("Bayesian posterior, chance to win, expected loss", () => {
  it.each(fixtures.bayesian)("$name", (f) => {
    const result = bayesian(f.control, f.treatment, {
      scale: f.scale as "relative" | "absolute",
      prior: f.prior as Prior,
      higherIsBetter: f.higherIsBetter,
    });
    if (!result.ok) throw new Error(result.reason);
    close(result.posteriorMean, f.posteriorMean);
    close(result.posteriorSd, f.posteriorSd);
    close(result.chanceToWin, f.chanceToWin);
    close(result.expectedLoss.ifShipped, f.expectedLoss.ifShipped);
    close(result.expectedLoss.ifKeptControl, f.expectedLoss.ifKeptControl);
    close(result.credibleInterval.lower, f.credibleInterval.lower);
    close(result.credibleInterval.upper, f.credibleInterval.upper);
  });
});

describe("sample-ratio mismatch", () => {
  it.each(fixtures.srm)("$name", (f) => {
    const result = sampleRatioMismatch(f.counts, f.weights);
    close(result.chiSquare, f.chiSquare);
    close(result.pValue, f.pValue);
    expect(result.warning).toBe(f.pValue < 0.001);
  });
});

describe("Holm and Benjamini–Hochberg", () => {
  it.each(fixtures.adjust)("$name", (f) => {
    holm(f.pValues).forEach((p, i) => close(p, f.holm[i]!));
    benjaminiHochberg(f.pValues).forEach((p, i) => close(p, f.benjaminiHochberg[i]!));
  });
});

describe("confidence-sequence boundary", () => {
  it.each(fixtures.sequential)("N = $totalN, alpha = $alpha, N* = $tuning", (f) => {
    close(sequentialMultiplier(f.totalN, f.alpha, f.tuning), f.multiplier);
    close(sequentialPValue(3, f.totalN, f.alpha, f.tuning), f.pValueAtZ3);
  });
});

describe("minimum detectable effect", () => {
  it.each(fixtures.power)("$name", (f) => {
    const result = minimumDetectableEffect(f.input as PlanInput, f.days);
    if (!result.ok) throw new Error(result.reason);
    close(result.relative, f.mde);
  });
});
