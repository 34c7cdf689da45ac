import { describe, expect, it } from "vitest";
import { rateComponents } from "../../../simulator/index";
import { responseSchema } from "../../../simulator/scenario/schema";
import {
  bonusLift,
  choosePicks,
  evaluateCandidate,
  PRIOR_ELASTICITY,
  type Candidate,
  type PickSettings,
} from "./picks";

// The economics of one pick by hand, the inventory cap, the ranking, and the prior lift
// against the simulator's own response to a higher reward rate.

const settings: PickSettings = {
  multiplier: 2,
  pointsPerCurrencyUnit: 1,
  minorPerMajor: 100,
  pointValueMinor: 2.5,
  redemptionRate: 0.6,
  marginRate: 0.5,
  estimatedLift: 1.2,
  top: 2,
};
const candidate: Candidate = {
  id: "1",
  title: "Mug",
  baselineUnits: 10,
  priceMinor: 2_000,
  costMinor: 800,
  inventory: null,
};

describe("evaluateCandidate", () => {
  it("nets the incremental margin against the bonus paid on every unit", () => {
    const p = evaluateCandidate(candidate, settings);
    expect(p.promotedUnits).toBeCloseTo(12, 10);
    expect(p.incrementalUnits).toBeCloseTo(2, 10);
    expect(p.unitMarginMinor).toBe(1_200);
    expect(p.incrementalMarginMinor).toBeCloseTo(2_400, 8);
    // 20 extra points a unit × 2.5 minor × 60% redeemed × 12 units.
    expect(p.bonusCostMinor).toBeCloseTo(360, 8);
    expect(p.netMinor).toBeCloseTo(2_040, 8);
    expect(p.marginSource).toBe("cost");
  });

  it("caps sales at the stock on hand and assumes the shop's margin without a cost", () => {
    const p = evaluateCandidate({ ...candidate, inventory: 11, costMinor: null }, settings);
    expect(p.promotedUnits).toBe(11);
    expect(p.incrementalUnits).toBeCloseTo(1, 10);
    expect(p.stockLimited).toBe(true);
    expect(p.unitMarginMinor).toBe(1_000);
    expect(p.incrementalMarginMinor).toBeCloseTo(1_000, 8);
    expect(p.bonusCostMinor).toBeCloseTo(20 * 2.5 * 0.6 * 11, 8);
    // Sold out already: a bonus adds nothing but its cost.
    const sold = evaluateCandidate({ ...candidate, inventory: 5 }, settings);
    expect(sold.incrementalUnits).toBe(0);
    expect(sold.netMinor).toBeLessThan(0);
  });
});

describe("choosePicks", () => {
  it("keeps the top N by net, only positive ones", () => {
    const list: Candidate[] = [
      { ...candidate, id: "a", baselineUnits: 3 },
      { ...candidate, id: "b", baselineUnits: 30 },
      { ...candidate, id: "c", baselineUnits: 10, inventory: 0 },
      { ...candidate, id: "d", baselineUnits: 20 },
    ];
    const { picks, evaluated } = choosePicks(list, settings);
    expect(evaluated).toBe(4);
    expect(picks.map((p) => p.id)).toEqual(["b", "d"]);
    expect(choosePicks(list, { ...settings, top: 10 }).picks.map((p) => p.id)).toEqual(["b", "d", "a"]);
  });
});

describe("the prior lift", () => {
  it("is the simulator's earn-rate response to the multiplied reward rate", () => {
    const config = responseSchema.parse({});
    expect(config.earnRate.elasticity).toBe(PRIOR_ELASTICITY);
    const state = {
      segment: "casual" as const,
      alive: true,
      lambdaPerYear: 2,
      dropoutP: 0.2,
      spendShape: 6,
      spendRate: 0.1,
      openRate: 0.3,
      clickGivenOpen: 0.1,
      pointsBalance: 0,
      tierProgressMinor: 0,
    };
    const exposure = (points: number) => ({
      member: true,
      pointsPerCurrencyUnit: points,
      tierMultiplier: 1,
      rewards: [{ id: "r", pointsCost: 200, valueMinor: 500 }],
      nextTierThresholdMinor: null,
      message: null,
      seasonality: 1,
    });
    for (const m of [1.5, 2, 3]) {
      const truth =
        rateComponents(config, state, exposure(m)).earnRate /
        rateComponents(config, state, exposure(1)).earnRate;
      expect(bonusLift({ multiplier: m, estimatedLift: null })).toBeCloseTo(truth, 12);
    }
  });
});
