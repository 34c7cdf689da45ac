import { fitPoisson, predictPoisson, type PoissonFit } from "./poisson";

// Next week's units per product (ADR 0034-weekly-picks-forecast): one pooled Poisson
// log-linear regression over every product-week, with a shrunk intercept per product and
// shared effects of
//   trend          weeks from the forecast origin, in years
//   recent level   log(1 + the product's mean units over the previous 4 weeks)
//   annual season  two Fourier pairs of the week's position in the year (≥ 60 weeks of history)
//   price          log(the week's mean net unit price ÷ the product's usual price)
//   promotion      1 when a bonus campaign covered the product that week (when history has any)
// Weekday seasonality cancels inside a week, so it has no term.

export interface ProductWeeks {
  id: string;
  /** Units sold in each week, oldest first; every product has one entry per week. */
  units: readonly number[];
  /** The week's mean net unit price (any consistent unit), null when nothing sold. */
  price: readonly (number | null)[];
  /** 1 when a points campaign covered the product that week. */
  promo: readonly number[];
}

export interface WeeklyHistory {
  /** Position of each week in its year in [0, 1) (day of year of its first day ÷ 365.25), plus one for the week ahead. */
  yearPosition: readonly number[];
  products: readonly ProductWeeks[];
}

export const LEVEL_WEEKS = 4;
export const SEASONAL_MIN_WEEKS = 60;
export const MIN_PROMO_WEEKS = 4;
export const PENALTY = { lambdaGroup: 2, lambdaCoef: 0.1 } as const;

export interface ForecastModel {
  fit: Extract<PoissonFit, { ok: true }>;
  features: string[];
  seasonal: boolean;
  /** Whether the promotion effect was estimated (history has promoted weeks). */
  promoEstimated: boolean;
  /** The product's usual price (median of the weeks it sold), by product index. */
  usualPrice: (number | null)[];
  /** Rows (product-weeks) the model was fitted on. */
  rows: number;
}

export type ModelResult = { ok: true; model: ForecastModel } | { ok: false; reason: string };

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function level(units: readonly number[], t: number): number {
  let sum = 0;
  for (let k = t - LEVEL_WEEKS; k < t; k++) sum += units[k]!;
  return Math.log1p(sum / LEVEL_WEEKS);
}

interface Design {
  seasonal: boolean;
  promo: boolean;
  usualPrice: (number | null)[];
}

/** Covariates of product p in week t (t may be the week ahead, `weeks` long after the first). */
function covariates(
  h: WeeklyHistory,
  d: Design,
  p: number,
  t: number,
  origin: number,
  overrides?: { price?: number | null; promo?: number },
): number[] {
  const product = h.products[p]!;
  const x = [(t - origin) / 52, level(product.units, t)];
  if (d.seasonal) {
    const angle = 2 * Math.PI * h.yearPosition[t]!;
    x.push(Math.sin(angle), Math.cos(angle), Math.sin(2 * angle), Math.cos(2 * angle));
  }
  const usual = d.usualPrice[p];
  const price = overrides && "price" in overrides ? overrides.price : product.price[t];
  x.push(usual && price ? Math.log(price / usual) : 0);
  if (d.promo) x.push(overrides?.promo ?? product.promo[t] ?? 0);
  return x;
}

function featureNames(d: Design): string[] {
  return [
    "trend",
    "recentLevel",
    ...(d.seasonal ? ["annualSin1", "annualCos1", "annualSin2", "annualCos2"] : []),
    "price",
    ...(d.promo ? ["promotion"] : []),
  ];
}

/** Fits on weeks [0, origin) of every product. */
export function fitForecast(h: WeeklyHistory, origin: number): ModelResult {
  const usualPrice = h.products.map((p) =>
    median(p.price.slice(0, origin).filter((v): v is number => v !== null && v > 0)),
  );
  let promoted = 0;
  for (const p of h.products) for (let t = LEVEL_WEEKS; t < origin; t++) promoted += p.promo[t] ? 1 : 0;
  const d: Design = {
    seasonal: origin >= SEASONAL_MIN_WEEKS,
    promo: promoted >= MIN_PROMO_WEEKS,
    usualPrice,
  };
  const group: number[] = [];
  const x: number[][] = [];
  const y: number[] = [];
  h.products.forEach((product, p) => {
    for (let t = LEVEL_WEEKS; t < origin; t++) {
      group.push(p);
      x.push(covariates(h, d, p, t, origin));
      y.push(product.units[t]!);
    }
  });
  if (!y.length) return { ok: false, reason: "no product-weeks to fit" };
  const fit = fitPoisson({ group, x, y, groups: h.products.length }, PENALTY);
  if (!fit.ok) return { ok: false, reason: fit.reason };
  return {
    ok: true,
    model: {
      fit,
      features: featureNames(d),
      seasonal: d.seasonal,
      promoEstimated: d.promo,
      usualPrice,
      rows: y.length,
    },
  };
}

/**
 * Expected units of product p in week `t` (the week after the data the model saw, usually
 * `origin`), at price `price` (null: its usual price) and without a promotion unless `promo`.
 */
export function forecastWeek(
  h: WeeklyHistory,
  model: ForecastModel,
  p: number,
  t: number,
  options: { price?: number | null; promo?: number } = {},
): number {
  const d: Design = { seasonal: model.seasonal, promo: model.promoEstimated, usualPrice: model.usualPrice };
  const x = covariates(h, d, p, t, t, { price: options.price ?? null, promo: options.promo ?? 0 });
  return predictPoisson(model.fit, model.fit.groupEffect[p]!, x);
}

/** The fitted effect of a promoted week (log scale), when history had promotions. */
export function promotionCoefficient(model: ForecastModel): number | null {
  const j = model.features.indexOf("promotion");
  return j < 0 ? null : model.fit.coef[j]!;
}
