import { describe, expect, it } from "vitest";
import { programSchema } from "~/loyalty/program";
import { experimentInputSchema } from "./definition";
import {
  niceStep,
  optimizerInputSchema,
  optimizerVariants,
  proposeCandidates,
  quantile,
  rangeErrors,
  storedOptimizer,
  targetBounds,
  thresholdFormatter,
} from "./optimizer";

const live = programSchema.parse({
  currency: "USD",
  rewards: [
    {
      id: "five-off",
      name: "$5 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
      pointsCost: 100,
    },
    {
      id: "ten-off",
      name: "$10 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 1000, currency: "USD" } },
      pointsCost: 180,
    },
  ],
  tiers: {
    basis: "spend",
    levels: [
      { id: "member", name: "Member", threshold: 0 },
      { id: "silver", name: "Silver", threshold: 15_000 },
      { id: "gold", name: "Gold", threshold: 40_000 },
    ],
  },
});
const points = thresholdFormatter("points", "USD");

describe("proposeCandidates", () => {
  it("keeps both ends and puts the interior candidates at quantiles of the members inside the range", () => {
    // 1..1000: inside [100, 400] are 100..400 (301 members); levels 1/3 and 2/3 → 200 and 300.
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const out = proposeCandidates(values, 100, 400, 4);
    expect(out.rule).toBe("quantiles");
    expect(out.membersInRange).toBe(301);
    expect(out.candidates).toEqual([100, 200, 300, 400]);
  });

  it("follows a skewed distribution: most members earn little, so the interior candidates sit low", () => {
    const values = Array.from({ length: 1000 }, (_, i) => 100 + 400 * (i / 999) ** 3);
    const out = proposeCandidates(values, 100, 500, 5);
    expect(out.rule).toBe("quantiles");
    expect(out.candidates[0]).toBe(100);
    expect(out.candidates.at(-1)).toBe(500);
    // Rounded to the range's step (20 points) and strictly increasing.
    expect(out.step).toBe(20);
    // Quantiles 106, 150 and 269 → 120 (a step above 100), 160, 260.
    expect(out.candidates).toEqual([100, 120, 160, 260, 500]);
  });

  it("falls back to even spacing with too few members in the range, or when crowded quantiles run past the top", () => {
    expect(proposeCandidates([150, 160], 100, 400, 4)).toMatchObject({
      rule: "even",
      candidates: [100, 200, 300, 400],
    });
    const crowded = Array.from({ length: 500 }, () => 395);
    const out = proposeCandidates(crowded, 100, 400, 5);
    expect(out.rule).toBe("even");
    expect(new Set(out.candidates).size).toBe(5);
  });

  it("matches numpy's linear quantile", () => {
    // numpy.quantile([1, 2, 4, 8, 16], [0.25, 0.6]) = [2.0, 5.6]
    expect(quantile([1, 2, 4, 8, 16], 0.25)).toBeCloseTo(2, 12);
    expect(quantile([1, 2, 4, 8, 16], 0.6)).toBeCloseTo(5.6, 12);
    expect(niceStep(300)).toBe(20);
    expect(niceStep(25_000)).toBe(2_000);
    expect(niceStep(5)).toBe(1);
  });
});

describe("bounds", () => {
  it("limits a reward cost to a tenth to ten times the live cost and a tier between its neighbours", () => {
    expect(targetBounds(live, "rewardCost", "five-off")).toMatchObject({
      ok: true,
      lower: 10,
      upper: 1000,
      current: 100,
    });
    expect(targetBounds(live, "tierThreshold", "silver")).toMatchObject({
      ok: true,
      lower: 1,
      upper: 39_999,
      unit: "money",
    });
    expect(targetBounds(live, "tierThreshold", "member")).toMatchObject({ ok: false });
    expect(targetBounds(live, "rewardCost", "nope")).toMatchObject({ ok: false });
  });

  it("says which end is out of bounds", () => {
    const bounds = { lower: 10, upper: 1000 };
    expect(rangeErrors(bounds, { min: 5, max: 2000, count: 4 }, points)).toEqual({
      min: "At least 10 points.",
      max: "At most 1,000 points.",
    });
    expect(rangeErrors(bounds, { min: 100, max: 102, count: 4 }, points).max).toMatch(/too narrow/);
    expect(rangeErrors(bounds, { min: 50, max: 400, count: 4 }, points)).toEqual({});
  });

  it("refuses a range that ends below its start and an objective that is not maximised per member", () => {
    const bad = optimizerInputSchema.safeParse({
      kind: "rewardCost",
      targetId: "x",
      min: 300,
      max: 200,
      objective: "rewardCost",
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["max", "objective"]));
    expect(optimizerInputSchema.parse({ kind: "rewardCost", targetId: "x", min: 1, max: 9 }).objective).toBe(
      "netMargin",
    );
  });
});

describe("optimizerVariants", () => {
  it("makes the live program the control and one valid bandit arm per other candidate, with the search stored", () => {
    const variants = optimizerVariants(
      live,
      { kind: "rewardCost", targetId: "five-off", current: 100 },
      [50, 100, 200, 400],
      points,
    );
    expect(variants.map((v) => v.key)).toEqual(["live", "at-50", "at-200", "at-400"]);
    expect(variants[2]!.override.rewards!.map((r) => r.pointsCost)).toEqual([200, 180]);
    const optimizer = {
      kind: "rewardCost" as const,
      rewardId: "five-off",
      min: 50,
      max: 400,
      current: 100,
      candidates: [50, 100, 200, 400],
      rule: "quantiles" as const,
    };
    const parsed = experimentInputSchema.parse({
      key: "opt",
      name: "Optimise",
      lever: "rewards",
      primaryMetric: "netMargin",
      variants,
      bandit: { optimizer },
    });
    expect(parsed.bandit?.optimizer).toEqual(optimizer);
    expect(storedOptimizer({ cadenceMinutes: 60, optimizer })).toEqual(optimizer);
    expect(storedOptimizer({ cadenceMinutes: 60 })).toBeNull();
  });

  it("moves a tier threshold inside its level only", () => {
    const money = thresholdFormatter("money", "USD");
    const [, first] = optimizerVariants(
      live,
      { kind: "tierThreshold", targetId: "silver", current: 15_000 },
      [10_000, 15_000, 20_000, 30_000],
      money,
    );
    expect(first!.name).toBe("$100");
    expect(first!.override.tiers!.levels.map((l) => l.threshold)).toEqual([0, 10_000, 40_000]);
  });
});
