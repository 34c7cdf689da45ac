import { describe, expect, it } from "vitest";
import { defineShop } from "../shop";
import { Rng } from "../random/rng";
import { responder, type CustomerState } from "../scenario/respond";
import { parseScenario, ScenarioError } from "../scenario/schema";
import { liveHorizon } from "./variants";

// The promotion of the long-term scenarios (scenario `promotion`): a discount and a purchase
// lift while it runs, a higher dropout from exposure on, members only.

const program = { pointsPerCurrencyUnit: 1, rewards: [] };
const scenario = parseScenario({
  name: "promotion-test",
  variants: [
    { key: "standard", program },
    {
      key: "bribe",
      program,
      promotion: { discountShare: 0.3, days: 14, purchaseLift: 1, dropoutMultiplier: 2 },
    },
  ],
});
const calendar = defineShop({ seed: 3, customers: 10 }).calendar;
const state: CustomerState = {
  segment: "casual",
  alive: true,
  lambdaPerYear: 6,
  dropoutP: 0.2,
  spendShape: 6,
  spendRate: 0.075,
  openRate: 0,
  clickGivenOpen: 0,
  pointsBalance: 0,
  tierProgressMinor: 0,
};

function live(variant: (typeof scenario.variants)[number], customers: number) {
  const respond = responder(scenario.response);
  const rng = new Rng(1);
  const out = { early: 0, late: 0, discount: 0, earlyValue: 0, alive: 0 };
  for (let i = 0; i < customers; i++) {
    const o = liveHorizon(
      variant,
      { index: i, state },
      calendar,
      180,
      (day) => rng.reseed(Math.imul(day + 1, 0x9e3779b1) | 0, i),
      respond,
      (day, value, discount) => {
        if (day < 14) {
          out.early++;
          out.earlyValue += value;
          out.discount += discount;
        } else out.late++;
      },
    );
    out.alive += o.aliveAtEnd;
  }
  return out;
}

describe("a variant's promotion in the ground truth", () => {
  it("discounts and lifts purchases while it runs, and raises dropout after", () => {
    const [standard, bribe] = scenario.variants.map((v) => live(v, 4_000));
    // About twice the purchases in the first 14 days (common random numbers: same customers, same days).
    expect(bribe!.early / standard!.early).toBeGreaterThan(1.7);
    expect(bribe!.early / standard!.early).toBeLessThan(2.3);
    expect(standard!.discount).toBe(0);
    expect(bribe!.discount / bribe!.earlyValue).toBeCloseTo(0.3, 2);
    // Dropout twice as likely after each purchase: fewer alive at the end, fewer late purchases.
    expect(bribe!.alive).toBeLessThan(standard!.alive * 0.8);
    expect(bribe!.late).toBeLessThan(standard!.late);
  });

  it("is refused on a holdout", () => {
    expect(() =>
      parseScenario({
        name: "bad",
        variants: [{ key: "h", holdout: true, promotion: { discountShare: 0.2, days: 7 } }],
      }),
    ).toThrow(ScenarioError);
  });
});
