import { describe, expect, it } from "vitest";
import { programSchema, type ProgramInput } from "./program";
import { costRiseToConfirm, pointValueMinor, programCost, type ShopEconomics } from "./program-cost";
import { rewardConflicts } from "./program-rewards";

const ECONOMICS: ShopEconomics = {
  orderValues: { p25: 3000, p50: 6000, p75: 10000, p90: 20000 },
  averageShippingMinor: 800,
  memberSales30dMinor: 1_000_000,
  tierMix: {},
  outstandingPoints: 50_000,
  redemptionsByReward: {},
};

const fixed = (id: string, amountMinor: number, pointsCost: number) => ({
  id,
  name: id,
  value: { kind: "fixedAmount" as const, amount: { amountMinor, currency: "USD" } },
  pointsCost,
});

const program = (input: Partial<ProgramInput>) => programSchema.parse({ currency: "USD", ...input });

describe("programCost", () => {
  it("values a point by the rewards, weighted by redemptions plus one", () => {
    // $5 for 500 points = 1¢ a point; $10 for 500 = 2¢. Redeemed 3 and 0 times: weights 4 and 1.
    const p = program({ rewards: [fixed("five", 500, 500), fixed("ten", 1000, 500)] });
    expect(pointValueMinor(p, { ...ECONOMICS, redemptionsByReward: { five: 3 } })).toBeCloseTo(
      (1 * 4 + 2 * 1) / 5,
      12,
    );
  });

  it("gives % back at the typical order values, cost per $100 and the liability", () => {
    const p = program({
      earning: { pointsPerCurrencyUnit: 2 },
      rewards: [fixed("five", 500, 500)],
    });
    const cost = programCost(p, ECONOMICS);
    // 2 points per $1 at 1¢ a point: 2% back; $100 of sales earn 200 points = $2.
    expect(cost.pointsPer100).toBe(200);
    expect(cost.costPer100Minor).toBe(200);
    expect(cost.percentBack.map((r) => [r.orderMinor, r.points, r.percent])).toEqual([
      [3000, 60, 2],
      [6000, 120, 2],
      [10000, 200, 2],
      [20000, 400, 2],
    ]);
    expect(cost.liabilityMinor).toBe(50_000);
    // $10,000 of member sales a month earn 20,000 points = $200.
    expect(cost.monthlyAccrualMinor).toBe(20_000);
  });

  it("weights the points per $100 by the tier mix", () => {
    const p = program({
      rewards: [fixed("five", 500, 500)],
      tiers: { levels: [{ id: "gold", name: "Gold", threshold: 0, benefits: { earnMultiplier: 3 } }] },
    });
    const cost = programCost(p, { ...ECONOMICS, tierMix: { "": 0.5, gold: 0.5 } });
    expect(cost.pointsPer100).toBe(200);
  });

  it("says nothing about money when no reward has a value it can know", () => {
    const p = program({
      rewards: [
        {
          id: "gift",
          name: "Gift",
          value: { kind: "freeProduct", productId: "1", variantId: "2" },
          pointsCost: 100,
        },
      ],
    });
    const cost = programCost(p, ECONOMICS);
    expect([cost.pointValueMinor, cost.costPer100Minor, cost.liabilityMinor]).toEqual([null, null, null]);
    expect(cost.percentBack.every((r) => r.percent === null)).toBe(true);
  });

  it("asks to confirm a rise above 20%, not one at or below it", () => {
    const base = program({ rewards: [fixed("five", 500, 500)] });
    const at = (rate: number) =>
      programCost(
        program({ earning: { pointsPerCurrencyUnit: rate }, rewards: [fixed("five", 500, 500)] }),
        ECONOMICS,
      );
    const before = programCost(base, ECONOMICS);
    expect(costRiseToConfirm(before, at(1.2))).toBeNull();
    expect(costRiseToConfirm(before, at(1.25))).toEqual({ before: 100, after: 125, rise: 0.25 });
    expect(costRiseToConfirm(before, at(0.5))).toBeNull();
  });
});

describe("rewardConflicts", () => {
  const rewards = (list: ProgramInput["rewards"]) => program({ rewards: list }).rewards;

  it("refuses a name twice, whatever its case", () => {
    const issues = rewardConflicts(rewards([fixed("a", 500, 500), { ...fixed("b", 700, 700), name: " A " }]));
    expect(issues).toEqual([{ path: [1, "name"], message: "Another reward is already called “A”." }]);
  });

  it("refuses the same value on the same conditions at another cost, not on other conditions", () => {
    const same = rewardConflicts(rewards([fixed("a", 500, 500), fixed("b", 500, 900)]));
    expect(same).toEqual([
      {
        path: [1, "value"],
        message: "Gives the same as “a” on the same conditions. Change one, or remove it.",
      },
    ]);
    const minimum = { ...fixed("b", 500, 900), minimumSubtotal: { amountMinor: 5000, currency: "USD" } };
    expect(rewardConflicts(rewards([fixed("a", 500, 500), minimum]))).toEqual([]);
  });
});
