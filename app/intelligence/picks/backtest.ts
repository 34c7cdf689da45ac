import { fitForecast, forecastWeek, type WeeklyHistory } from "./forecast";

// Rolling-origin evaluation: for each of the last `origins` weeks, fit on the weeks before
// it and forecast it one week ahead (at the price it actually sold at and with its actual
// promotion flag, as in any ex-post evaluation), next to the two baselines every forecaster
// must beat — naive (last week's units) and seasonal-naive (the same week a year before).
// WAPE = Σ|actual − forecast| ÷ Σ actual over every product and origin.

export const SEASON_WEEKS = 52;

export interface Backtest {
  origins: number;
  /** Product-weeks scored. */
  points: number;
  actualUnits: number;
  wape: number;
  naiveWape: number;
  /** Null when no origin has a year of history before it. */
  seasonalNaiveWape: number | null;
  /** The model's WAPE on the origins where the seasonal-naive exists (the like-for-like figure). */
  wapeSeasonalOrigins: number | null;
  seasonalOrigins: number;
}

export function wape(actual: readonly number[], forecast: readonly number[]): number | null {
  let err = 0;
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    err += Math.abs(actual[i]! - forecast[i]!);
    total += actual[i]!;
  }
  return total > 0 ? err / total : null;
}

export function backtest(h: WeeklyHistory, origins: number): Backtest | { failed: string } {
  const weeks = h.products[0]?.units.length ?? 0;
  const actual: number[] = [];
  const model: number[] = [];
  const naive: number[] = [];
  const sActual: number[] = [];
  const sModel: number[] = [];
  const sNaive: number[] = [];
  let seasonalOrigins = 0;
  for (let o = weeks - origins; o < weeks; o++) {
    const fitted = fitForecast(h, o);
    if (!fitted.ok) return { failed: fitted.reason };
    const seasonal = o >= SEASON_WEEKS;
    if (seasonal) seasonalOrigins++;
    h.products.forEach((product, p) => {
      const y = product.units[o]!;
      const f = forecastWeek(h, fitted.model, p, o, { price: product.price[o], promo: product.promo[o] });
      actual.push(y);
      model.push(f);
      naive.push(product.units[o - 1]!);
      if (seasonal) {
        sActual.push(y);
        sModel.push(f);
        sNaive.push(product.units[o - SEASON_WEEKS]!);
      }
    });
  }
  return {
    origins,
    points: actual.length,
    actualUnits: actual.reduce((s, v) => s + v, 0),
    wape: wape(actual, model) ?? 0,
    naiveWape: wape(actual, naive) ?? 0,
    seasonalNaiveWape: seasonalOrigins ? wape(sActual, sNaive) : null,
    wapeSeasonalOrigins: seasonalOrigins ? wape(sActual, sModel) : null,
    seasonalOrigins,
  };
}
