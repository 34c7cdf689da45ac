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
  it("counts the audience exposed at launch once, before the daily joiners", () => {
    const cohort = { ...plan, dailyExposed: 0, initialExposed: 400 * 28 };
    const a = minimumDetectableEffect(cohort, 28);
    const b = minimumDetectableEffect(plan, 28);
    if (!a.ok || !b.ok) throw new Error("plan rejected");
    expect(a.relative).toBeCloseTo(b.relative, 12);
    const later = minimumDetectableEffect({ ...cohort, method: "fixed" }, 90);
    const sooner = minimumDetectableEffect({ ...cohort, method: "fixed" }, 7);
    expect(later.ok && sooner.ok && later.relative === sooner.relative).toBe(true);
    const mixed = minimumDetectableEffect({ ...plan, initialExposed: 5000 }, 28);
    expect(mixed.ok && mixed.relative < b.relative).toBe(true);
    expect(minimumDetectableEffect({ ...plan, dailyExposed: 0 }, 28)).toEqual({
      ok: false,
      reason: "there are no exposed members per day",
    });
  });

  it.each(fixtures.power)("power at a 10% lift matches the reference ($name)", (f) => {
    const input = f.input as PlanInput;
    const total = input.weights.reduce((a, b) => a + b, 0);
    const exposed = (input.initialExposed ?? 0) + input.dailyExposed * f.days;
    const nControl = (exposed * input.weights[0]!) / total;
    const nTreatment = (exposed * Math.min(...input.weights.slice(1))) / total;
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
