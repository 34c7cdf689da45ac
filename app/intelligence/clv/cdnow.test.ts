import { describe, expect, it } from "vitest";

import { conditionalExpectedPurchases, fitBgNbd } from "./bgnbd";
import { fitGammaGamma } from "./gamma-gamma";
import fixtures from "./reference/fixtures.json";
import { cdnowCustomers, cdnowHoldout } from "./cdnow-fixture";

// The CDNOW reference (Fader, Hardie & Lee 2005): 2,357 customers of the first quarter of
// 1997, 39 calibration weeks, 39 holdout weeks. reference/cdnow-summary.json is derived from
// ../shared/data/cdnow/CDNOW_sample.txt by reference/compute.py (checked there against the
// per-customer summary the data set ships with), so this test never needs the outside file.

const customers = cdnowCustomers;
const holdout = cdnowHoldout;

/** Equal to three significant digits: |a − b| within half a unit of the third digit of b. */
function threeDigits(actual: number, published: number) {
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(published))) - 2);
  expect(Math.abs(actual - published)).toBeLessThanOrEqual(unit / 2);
}

describe("CDNOW", () => {
  const bg = fitBgNbd(customers);
  const gg = fitGammaGamma(customers);

  it("BG/NBD matches the published r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4", () => {
    if (!bg.ok) throw new Error(bg.reason);
    threeDigits(bg.params.r, 0.243);
    threeDigits(bg.params.alpha, 4.41);
    threeDigits(bg.params.a, 0.793);
    threeDigits(bg.params.b, 2.43);
    expect(bg.logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(bg.customers).toBe(2357);
    expect(bg.repeatBuyers).toBe(946);
  });

  it("BG/NBD agrees with scipy's optimum", () => {
    if (!bg.ok) throw new Error(bg.reason);
    const reference = fixtures.cdnow.bgnbd;
    for (const key of ["r", "alpha", "a", "b"] as const)
      expect(Math.abs(bg.params[key] / reference[key] - 1)).toBeLessThan(1e-5);
    expect(Math.abs(bg.logLikelihood - reference.logLikelihood)).toBeLessThan(1e-6);
  });

  it("Gamma-Gamma on the 946 repeat buyers matches the published p 6.25, q 3.74, γ 15.44", () => {
    if (!gg.ok) throw new Error(gg.reason);
    expect(gg.customers).toBe(946);
    threeDigits(gg.params.p, 6.25);
    threeDigits(gg.params.q, 3.74);
    threeDigits(gg.params.gamma, 15.4);
    const reference = fixtures.cdnow.gammaGamma;
    for (const key of ["p", "q", "gamma"] as const)
      expect(Math.abs(gg.params[key] / reference[key] - 1)).toBeLessThan(1e-5);
    // The independence the model assumes holds on CDNOW (Fader & Hardie report 0.11).
    expect(gg.frequencySpendCorrelation).toBeCloseTo(reference.frequencySpendCorrelation, 10);
  });

  it("predicts about 1,653 repeat purchases in weeks 40–78 against 1,882 actual", () => {
    if (!bg.ok) throw new Error(bg.reason);
    const predicted = customers.reduce((s, c) => s + conditionalExpectedPurchases(bg.params, 39, c), 0);
    expect(Math.abs(predicted - fixtures.cdnow.holdoutPredicted)).toBeLessThan(1e-3);
    expect(Math.round(predicted)).toBe(1653);
    expect(holdout.reduce((s, n) => s + n, 0)).toBe(1882);
  });
});
