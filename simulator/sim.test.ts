import { describe, expect, it } from "vitest";
import { pointsForOrder } from "../app/loyalty/earning";
import { parseScenario } from "./scenario/schema";
import { assignVariant, runScenario, variantProgram } from "./sim";

const scenario = parseScenario({
  name: "sim-test",
  shop: { seed: 31, customers: 1500 },
  response: { earnRate: { elasticity: 0.6 }, redemption: { intercept: 0, perCurrencyUnit: 0.2 } },
  variants: [
    { key: "holdout", holdout: true },
    {
      key: "rich",
      program: {
        pointsPerCurrencyUnit: 3,
        rewards: [{ id: "five-off", pointsCost: 100, valueMinor: 500 }],
        tiers: [
          { name: "Member", thresholdMinor: 0 },
          { name: "Gold", thresholdMinor: 15_000, earnMultiplier: 2 },
        ],
      },
    },
  ],
  truth: { horizonDays: 60, replications: 1, maxCustomers: 1000 },
});

describe("headless scenario runs", () => {
  const report = runScenario(scenario, { days: 60 });

  it("assigns customers to variants stably and in about equal shares", () => {
    expect(assignVariant(scenario, 31, 17)).toBe(assignVariant(scenario, 31, 17));
    const [holdout, rich] = report.app;
    expect(holdout!.customers + rich!.customers).toBe(report.shop.simulated);
    expect(Math.abs(holdout!.customers - rich!.customers)).toBeLessThan(report.shop.simulated * 0.12);
  });

  it("decides points, redemptions and tiers with the app's rules; the holdout gets none", () => {
    const [holdout, rich] = report.app;
    expect(holdout!.pointsIssued).toBe(0);
    expect(holdout!.redemptions).toBe(0);
    expect(Object.keys(holdout!.tiers)).toEqual([]);
    // 3 points per dollar of net spend, floored per order, more for Gold members.
    const netDollars = rich!.netRevenueMinor / 100;
    expect(rich!.pointsIssued).toBeGreaterThan(netDollars * 3 - rich!.orders);
    expect(rich!.pointsIssued).toBeLessThan(netDollars * 6);
    expect(rich!.redemptions).toBeGreaterThan(0);
    expect(rich!.pointsRedeemed).toBe(rich!.redemptions * 100);
    expect(rich!.rewardCostMinor).toBeLessThanOrEqual(rich!.redemptions * 500);
    expect(rich!.tierUpgrades).toBeGreaterThan(0);
    expect(rich!.tiers["tier-1"]).toBe(rich!.tierUpgrades);
  });

  it("maps a scenario variant onto the app's program", () => {
    const program = variantProgram(scenario.variants[1]!, "USD");
    const earned = pointsForOrder(
      {
        id: "1",
        currency: "USD",
        placedAt: new Date("2026-11-02T00:00:00Z"),
        lines: [
          {
            id: "l",
            productId: null,
            collectionIds: [],
            tags: [],
            quantity: 1,
            unitPriceMinor: 2_050,
            discountAllocationsMinor: [],
          },
        ],
        shippingMinor: 0,
        taxMinor: 0,
      },
      { tierId: "tier-1", previousOrderCount: 3 },
      program,
      new Date("2026-11-02T00:00:00Z"),
    );
    expect(earned.points).toBe(123); // 20.50 × 3 × 2, floored
    expect(earned.pending).toBe(false);
  });

  it("reports the truth next to the app's decisions and repeats itself exactly", () => {
    expect(report.truth?.variants.map((v) => v.key)).toEqual(["holdout", "rich"]);
    const rich = report.comparison.find((c) => c.key === "rich")!;
    expect(rich.trueNetRevenueLift).not.toBeNull();
    expect(rich.observedNetRevenueLift).not.toBeNull();
    const again = runScenario(scenario, { days: 60, withTruth: false });
    expect(again.app).toEqual(report.app);
    const other = runScenario(scenario, { days: 60, seed: 32, withTruth: false });
    expect(other.app[1]!.orders).not.toBe(report.app[1]!.orders);
  });
});
