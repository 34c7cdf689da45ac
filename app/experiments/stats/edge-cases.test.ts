import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { adjustPValues } from "./adjust";
import { analyseExperiment, type MetricInput } from "./analysis";
import { bayesian } from "./bayesian";
import { cupedEstimates } from "./cuped";
import { meanEstimate, ratioEstimate, type Estimate } from "./estimates";
import { compare } from "./frequentist";
import { durationForEffect, minimumDetectableEffect, type PlanInput } from "./power";
import { sampleRatioMismatch } from "./srm";

// Degenerate inputs give a result with a reason, never NaN or a throw.

function hasNaN(value: unknown): boolean {
  if (typeof value === "number") return Number.isNaN(value);
  if (value && typeof value === "object") return Object.values(value).some(hasNaN);
  return false;
}

const est = (n: number, mean: number, varianceOfMean: number): Estimate => ({ n, mean, varianceOfMean });

describe.each([
  ["no members", { n: 0, sum: 0, sumSquares: 0 }, "no members in this arm yet"],
  ["one member", { n: 1, sum: 5, sumSquares: 25 }, "fewer than 2 members in this arm"],
])("mean metric with %s", (_name, stats, reason) => {
  it("says why there is no estimate", () => {
    expect(meanEstimate(stats)).toEqual({ ok: false, reason });
  });
});

describe("edge cases", () => {
  it.each([
    ["one arm of 1", est(1, 3, 0), est(50, 3, 0.1), "each arm needs at least 2 members"],
    [
      "no variance anywhere",
      est(10, 3, 0),
      est(10, 3, 0),
      "the metric does not vary in either arm, so there is nothing to test",
    ],
    [
      "different constants",
      est(10, 3, 0),
      est(10, 4, 0),
      "the metric does not vary in either arm, so there is nothing to test",
    ],
  ])("compare: %s", (_name, control, treatment, reason) => {
    expect(compare(control, treatment)).toEqual({ ok: false, reason });
    expect(bayesian(control, treatment).ok).toBe(false);
  });

  it("control mean 0: absolute lift only, relative undefined with a note", () => {
    const result = compare(est(100, 0, 0.001), est(100, 0.2, 0.001));
    expect(result.ok && result.relative).toBe(null);
    expect(result.ok && result.notes[0]).toMatch(/control mean is 0/);
    expect(result.ok && result.absolute.significant).toBe(true);
    expect(bayesian(est(100, 0, 0.01), est(100, 0.2, 0.01))).toEqual({
      ok: false,
      reason: "the control mean is 0 or negative, so relative lift is undefined; use the absolute scale",
    });
    expect(bayesian(est(100, 0, 0.01), est(100, 0.2, 0.01), { scale: "absolute" }).ok).toBe(true);
  });

  it("negative control mean: relative lift would read backwards, so only the absolute difference", () => {
    const result = compare(est(100, -2, 0.01), est(100, -1, 0.01));
    expect(result.ok && result.relative).toBe(null);
    expect(result.ok && result.notes[0]).toMatch(/control mean is negative/);
    expect(result.ok && result.absolute.estimate).toBeCloseTo(1, 12);
  });

  it("one arm with zero variance still compares (Welch df falls back to the other arm)", () => {
    const result = compare(est(10, 0, 0), est(30, 0.1, 0.001));
    expect(result.ok && result.degreesOfFreedom).toBeCloseTo(29, 9);
    expect(hasNaN(result)).toBe(false);
  });

  it("ratio with no orders in an arm", () => {
    expect(ratioEstimate({ n: 10, sumY: 0, sumX: 0, sumYY: 0, sumXX: 0, sumXY: 0 })).toEqual({
      ok: false,
      reason: "the denominator is zero in this arm (e.g. no orders)",
    });
  });

  it("CUPED with a constant covariate falls back to the plain mean", () => {
    const arm = { n: 4, sumY: 10, sumX: 8, sumYY: 30, sumXX: 16, sumXY: 20 };
    const result = cupedEstimates([arm, arm]);
    expect(result.theta).toBe(0);
    expect(result.reason).toMatch(/does not vary/);
    expect(result.arms[0]).toEqual(meanEstimate({ n: 4, sum: 10, sumSquares: 30 }));
  });

  it("CUPED with an empty arm", () => {
    const arm = { n: 4, sumY: 10, sumX: 8, sumYY: 30, sumXX: 20, sumXY: 22 };
    const result = cupedEstimates([arm, { n: 0, sumY: 0, sumX: 0, sumYY: 0, sumXX: 0, sumXY: 0 }]);
    expect(result.arms[1]).toEqual({ ok: false, reason: "no members in this arm yet" });
    expect(hasNaN(result)).toBe(false);
  });

  it.each([
    ["no members yet", [0, 0], [1, 1], "no exposed members yet", false],
    ["weights that are all zero", [5, 5], [0, 0], "the weights must be non-negative and not all zero", false],
    ["members in a zero-weight arm", [5, 5], [1, 0], "members were exposed in an arm with weight 0", true],
    [
      "counts and weights that do not match",
      [5],
      [1, 1],
      "needs one count and one weight per arm, at least two arms",
      false,
    ],
  ])("SRM with %s", (_name, counts, weights, reason, warning) => {
    const result = sampleRatioMismatch(counts, weights);
    expect(result.reason).toBe(reason);
    expect(result.warning).toBe(warning);
  });

  it("adjusts non-finite and empty p-value lists without poisoning", () => {
    expect(adjustPValues([], "holm")).toEqual([]);
    expect(adjustPValues([Number.NaN, 0.01], "benjamini-hochberg")).toEqual([1, 0.02]);
  });

  const plan: PlanInput = { baselineMean: 10, baselineVariance: 400, dailyExposed: 100, weights: [1, 1] };
  it.each([
    ["a zero baseline", { ...plan, baselineMean: 0 }, "the baseline mean must be non-zero"],
    ["no variance", { ...plan, baselineVariance: 0 }, "the baseline variance must be positive"],
    ["no traffic", { ...plan, dailyExposed: 0 }, "there are no exposed members per day"],
    [
      "one arm",
      { ...plan, weights: [1] },
      "needs a control and at least one variant, each with a positive weight",
    ],
  ])("power calculator with %s", (_name, input, reason) => {
    expect(minimumDetectableEffect(input, 30)).toEqual({ ok: false, reason });
    expect(durationForEffect(input, 0.05)).toEqual({ ok: false, reason });
  });

  it("an experiment whose arms are all empty analyses to reasons and keeps running", () => {
    const empty = { n: 0, sum: 0, sumSquares: 0 };
    const metric: MetricInput = {
      key: "revenue",
      name: "revenue per member",
      role: "primary",
      higherIsBetter: true,
      kind: "mean",
      arms: [empty, empty],
    };
    const analysis = analyseExperiment({
      variants: ["control", "B"],
      weights: [1, 1],
      exposed: [0, 0],
      metrics: [metric],
      reachedPlannedEnd: false,
    });
    expect(hasNaN(analysis)).toBe(false);
    expect(analysis.decision.verdict).toBe("keep-running");
    expect(analysis.decision.reasons[0]).toMatch(/Not enough data yet: control: no members/);
  });
});

describe("no NaN from any sufficient statistics", () => {
  // Small and degenerate arms on purpose: 0 or 1 members, all-equal values, zero means.
  const value = fc.constantFrom(0, 1, 2.5, -3);
  const arm = fc.array(fc.tuple(value, value), { maxLength: 4 }).map((pairs) => ({
    n: pairs.length,
    sumY: pairs.reduce((a, [y]) => a + y, 0),
    sumX: pairs.reduce((a, [, x]) => a + x, 0),
    sumYY: pairs.reduce((a, [y]) => a + y * y, 0),
    sumXX: pairs.reduce((a, [, x]) => a + x * x, 0),
    sumXY: pairs.reduce((a, [y, x]) => a + x * y, 0),
  }));

  it("every metric kind and method returns numbers or reasons", () => {
    fc.assert(
      fc.property(arm, arm, fc.constantFrom("welch", "z", "sequential" as const), (a, b, method) => {
        const metrics: MetricInput[] = [
          {
            key: "m",
            name: "mean",
            role: "primary",
            higherIsBetter: true,
            kind: "mean",
            arms: [a, b].map((s) => ({ n: s.n, sum: s.sumY, sumSquares: s.sumYY })),
          },
          { key: "r", name: "ratio", role: "secondary", higherIsBetter: true, kind: "ratio", arms: [a, b] },
          {
            key: "c",
            name: "cuped",
            role: "guardrail",
            higherIsBetter: false,
            threshold: 0.02,
            kind: "cuped",
            arms: [a, b],
          },
        ];
        const analysis = analyseExperiment(
          {
            variants: ["control", "B"],
            weights: [1, 1],
            exposed: [a.n, b.n],
            metrics,
            reachedPlannedEnd: true,
          },
          { method },
        );
        expect(hasNaN(analysis)).toBe(false);
        expect(analysis.decision.reasons.length).toBeGreaterThan(0);
      }),
    );
  });
});
