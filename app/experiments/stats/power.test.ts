import { describe, expect, it } from "vitest";

import fixtures from "./reference/fixtures.json";
import {
  criticalMultiplier,
  durationForEffect,
  minimumDetectableEffect,
  powerFromMoments,
  type PlanInput,
} from "./power";

const plan: PlanInput = { baselineMean: 12, baselineVariance: 900, dailyExposed: 400, weights: [1, 1] };

describe("power and minimum detectable effect", () => {
  it.each(fixtures.power)("power at a 10% lift matches the reference ($name)", (f) => {
    const input = f.input as PlanInput;
    const total = input.weights.reduce((a, b) => a + b, 0);
    const nControl = (input.dailyExposed * f.days * input.weights[0]!) / total;
    const nTreatment = (input.dailyExposed * f.days * Math.min(...input.weights.slice(1))) / total;
    const mean = input.baselineMean;
    const power = powerFromMoments(
      {
        controlMean: mean,
        controlVariance: input.baselineVariance,
        treatmentMean: mean * 1.1,
        treatmentVariance: input.baselineVariance * 1.21,
        nControl,
        nTreatment,
      },
      input,
    );
    expect(power).toBeCloseTo(f.powerAtTenPercent, 9);
    expect(criticalMultiplier(nControl + nTreatment, input)).toBeCloseTo(f.critical, 9);
  });

  it("the MDE shrinks as the test runs longer, and the sequential MDE is the wider one", () => {
    let previous = Infinity;
    for (const days of [7, 14, 28, 56, 112]) {
      const fixed = minimumDetectableEffect(plan, days);
      const sequential = minimumDetectableEffect({ ...plan, method: "sequential" }, days);
      if (!fixed.ok || !sequential.ok) throw new Error("unexpected");
      expect(fixed.relative).toBeLessThan(previous);
      expect(sequential.relative).toBeGreaterThan(fixed.relative);
      previous = fixed.relative;
    }
  });

  it("the duration for an effect is the first day whose MDE reaches it", () => {
    const duration = durationForEffect(plan, 0.1);
    if (!duration.ok) throw new Error(duration.reason);
    const before = minimumDetectableEffect(plan, duration.days - 1);
    expect(before.ok && before.relative).toBeGreaterThan(0.1);
    expect(duration.mde).toBeLessThanOrEqual(0.1);
  });

  it("says when an effect is out of reach", () => {
    expect(durationForEffect({ ...plan, dailyExposed: 1 }, 0.001, 30)).toEqual({
      ok: false,
      reason: "a 0.1% lift is not detectable within 30 days",
    });
  });
});
