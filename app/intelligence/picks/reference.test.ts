import { describe, expect, it } from "vitest";
import { backtest } from "./backtest";
import { fitForecast, forecastWeek, type WeeklyHistory } from "./forecast";
import fixtures from "./reference/fixtures.json";

// Values from reference/compute.py: the design rebuilt in numpy and the penalised Poisson
// objective minimised by scipy (trust-exact, dense one-hot Hessian); 6 products × 70 weeks
// with annual seasonality, price cuts and promoted weeks.

const close = (a: number, b: number, tol = 1e-6) => expect(Math.abs(a - b)).toBeLessThan(tol);

const history: WeeklyHistory = {
  yearPosition: fixtures.yearPosition,
  products: fixtures.units.map((units, p) => ({
    id: String(p),
    units,
    price: fixtures.price[p]!,
    promo: fixtures.promo[p]!,
  })),
};
const weeks = fixtures.units[0]!.length;

describe("weekly forecast against numpy/scipy", () => {
  const fitted = fitForecast(history, weeks);
  if (!fitted.ok) throw new Error(fitted.reason);
  const { model } = fitted;

  it("fits the pooled penalised Poisson regression to the same coefficients", () => {
    expect(model.seasonal).toBe(true);
    expect(model.promoEstimated).toBe(fixtures.fit.usePromo);
    expect(model.features).toEqual([
      "trend",
      "recentLevel",
      "annualSin1",
      "annualCos1",
      "annualSin2",
      "annualCos2",
      "price",
      "promotion",
    ]);
    close(model.fit.intercept, fixtures.fit.intercept);
    fixtures.fit.groupEffect.forEach((a, g) => close(model.fit.groupEffect[g]!, a));
    fixtures.fit.coef.forEach((b, j) => close(model.fit.coef[j]!, b));
    close(model.fit.objective, fixtures.fit.objective, 1e-6);
  });

  it("forecasts the week ahead at the usual price without a promotion", () => {
    fixtures.fit.forecastNext.forEach((f, p) => close(forecastWeek(history, model, p, weeks), f));
  });

  it("computes the rolling-origin WAPE of the model, naive and seasonal-naive", () => {
    const b = backtest(history, fixtures.backtest.origins);
    if ("failed" in b) throw new Error(b.failed);
    close(b.wape, fixtures.backtest.wape);
    close(b.naiveWape, fixtures.backtest.naiveWape);
    close(b.seasonalNaiveWape!, fixtures.backtest.seasonalNaiveWape);
    close(b.wapeSeasonalOrigins!, fixtures.backtest.wapeSeasonalOrigins);
  });
});
