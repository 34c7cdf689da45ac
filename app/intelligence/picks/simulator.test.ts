import { describe, expect, it } from "vitest";
import { generateShop } from "../../../simulator/index";
import { runPicks } from "./pipeline";
import { simulatorLines, simulatorProducts } from "./simulator-testing";

// The forecast on a simulator shop with 18 months of history (seed 11, 8,000 customers,
// 240 products): rolling-origin backtest over the last 8 weeks, WAPE against naive and
// seasonal-naive; the picks are products that sell, within stock, with a positive net.

const shop = generateShop({ seed: 11, customers: 8_000, historyMonths: 18 });
const asOf = new Date(shop.params.historyEnd);

describe("weekly picks on a simulator shop", () => {
  it("beats seasonal-naive and naive by a clear margin", () => {
    const result = runPicks({
      asOf,
      lines: simulatorLines(shop),
      products: simulatorProducts(shop),
      campaigns: [],
      settings: {
        multiplier: 2,
        pointsPerCurrencyUnit: 1,
        minorPerMajor: 100,
        pointValueMinor: 2.5,
        redemptionRate: 0.6,
        marginRate: 0.5,
        top: 5,
      },
    });
    if (!result.ok) throw new Error(result.reason);
    console.info("weekly picks backtest", JSON.stringify(result.backtest), JSON.stringify(result.model));
    const b = result.backtest;
    expect(b.seasonalOrigins).toBe(8);
    // Stated margins: at least 25% below seasonal-naive and 15% below naive (measured: 0.525 against 0.756 and 0.640).
    expect(b.wapeSeasonalOrigins!).toBeLessThan(0.75 * b.seasonalNaiveWape!);
    expect(b.wape).toBeLessThan(0.85 * b.naiveWape);
    expect(result.picks.length).toBe(5);
    for (const p of result.picks) expect(p.netMinor).toBeGreaterThan(0);
  }, 120_000);
});
