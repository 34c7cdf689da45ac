import { describe, expect, it } from "vitest";
import { runPicks, weeklyHistory, type PicksInput } from "./pipeline";

// Weekly buckets end at asOf; campaigns mark promoted weeks; thin data says what is needed.

const asOf = new Date("2026-06-01T00:00:00Z");
const DAY = 86_400_000;
const settings = {
  multiplier: 2,
  pointsPerCurrencyUnit: 1,
  minorPerMajor: 100,
  pointValueMinor: 2.5,
  redemptionRate: 0.6,
  marginRate: 0.5,
  top: 5,
};
const products = [
  { id: "1", title: "Mug", priceMinor: 2_000, costMinor: 800, inventory: 50 },
  { id: "2", title: "Tea", priceMinor: 1_000, costMinor: null, inventory: null },
  { id: "3", title: "Never sold", priceMinor: 500, costMinor: null, inventory: 3 },
];
const input = (days: number, ids = ["1", "2"]): PicksInput => ({
  asOf,
  products,
  campaigns: [
    {
      startsAt: new Date(asOf.getTime() - 14 * DAY),
      endsAt: new Date(asOf.getTime() - 7 * DAY),
      productIds: ["2"],
    },
  ],
  settings,
  lines: Array.from({ length: days }, (_, d) =>
    ids.map((productId) => ({
      productId,
      at: new Date(asOf.getTime() - (d + 0.5) * DAY),
      quantity: 1 + (d % 3),
      netMinor: 1_000,
    })),
  ).flat(),
});

describe("weeklyHistory", () => {
  it("buckets whole weeks before asOf and flags promoted product-weeks", () => {
    const { history, sold } = weeklyHistory(input(22));
    expect(sold.map((p) => p.id)).toEqual(["1", "2"]);
    expect(history.products[0]!.units).toHaveLength(3);
    expect(history.products[0]!.units.reduce((s, u) => s + u, 0)).toBe(42);
    expect(history.products[1]!.promo).toEqual([0, 1, 0]);
    expect(history.products[0]!.promo).toEqual([0, 0, 0]);
    expect(history.yearPosition).toHaveLength(4);
  });
});

describe("runPicks", () => {
  it("asks for more weeks of orders", () => {
    const r = runPicks(input(30));
    expect(r).toMatchObject({ ok: false, problem: "not-enough-data" });
    if (!r.ok) expect(r.reason).toMatch(/at least 8 weeks.*there are 4 weeks and 2 products/);
  });

  it("asks for a second product", () => {
    const r = runPicks(input(200, ["1"]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/1 product with sales/);
  });

  it("forecasts, backtests and picks with enough history", () => {
    const r = runPicks(input(200));
    if (!r.ok) throw new Error(r.reason);
    expect(r.weeks).toBe(28);
    expect(r.backtest.origins).toBe(8);
    expect(r.backtest.seasonalNaiveWape).toBeNull();
    expect(r.promotion.source).toBe("prior");
    expect(r.promotion.lift).toBeCloseTo(2 ** 0.2, 12);
    expect(r.picks.length).toBeGreaterThan(0);
    expect(r.picks[0]!.history.length).toBe(26);
  });
});
