import { backtest, type Backtest } from "./backtest";
import {
  fitForecast,
  forecastWeek,
  promotionCoefficient,
  type ProductWeeks,
  type WeeklyHistory,
} from "./forecast";
import { bonusLift, choosePicks, type PickSettings, type ProductPick } from "./picks";

// The weekly picks of a shop from plain data: order lines bucketed into the weeks before
// `asOf`, the backtest, the forecast of the week after `asOf`, and the picks.

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
export const MIN_WEEKS = 8;
export const MAX_WEEKS = 104;
export const BACKTEST_ORIGINS = 8;
export const HISTORY_SHOWN = 26;

export interface SoldLine {
  productId: string;
  at: Date;
  quantity: number;
  /** Net of the line's discounts, minor units. */
  netMinor: number;
}

export interface CatalogProduct {
  id: string;
  title: string;
  priceMinor: number;
  costMinor: number | null;
  inventory: number | null;
}

/** A campaign window, whole-shop (productIds null) or on some products. */
export interface PastCampaign {
  startsAt: Date;
  endsAt: Date;
  productIds: readonly string[] | null;
}

export interface PicksInput {
  asOf: Date;
  lines: readonly SoldLine[];
  products: readonly CatalogProduct[];
  campaigns: readonly PastCampaign[];
  settings: Omit<PickSettings, "estimatedLift">;
}

export type PicksResult =
  | {
      ok: true;
      weeks: number;
      products: number;
      backtest: Backtest;
      model: { features: string[]; coefficients: Record<string, number>; seasonal: boolean; rows: number };
      promotion: { source: "history" | "prior"; lift: number };
      picks: (ProductPick & { history: number[] })[];
      evaluated: number;
      forecastUnits: number;
    }
  | { ok: false; problem: "not-enough-data" | "not-converged"; reason: string };

/** Weeks of history before asOf: from the first sale (whole weeks), at most MAX_WEEKS. */
export function weeklyHistory(input: PicksInput): { history: WeeklyHistory; sold: CatalogProduct[] } {
  const end = input.asOf.getTime();
  const first = Math.min(...input.lines.map((l) => l.at.getTime()).filter((t) => t < end));
  const weeks = Number.isFinite(first) ? Math.min(MAX_WEEKS, Math.floor((end - first) / WEEK_MS)) : 0;
  const start = end - weeks * WEEK_MS;
  const index = new Map(input.products.map((p, i) => [p.id, i]));
  const units = input.products.map(() => new Array<number>(weeks).fill(0));
  const revenue = input.products.map(() => new Array<number>(weeks).fill(0));
  for (const l of input.lines) {
    const p = index.get(l.productId);
    const w = Math.floor((l.at.getTime() - start) / WEEK_MS);
    if (p === undefined || w < 0 || w >= weeks) continue;
    units[p]![w]! += l.quantity;
    revenue[p]![w]! += l.netMinor;
  }
  const weekStart = (w: number) => new Date(start + w * WEEK_MS);
  const yearPosition = Array.from({ length: weeks + 1 }, (_, w) => {
    const d = weekStart(w);
    return (d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS / 365.25;
  });
  const keep = input.products.map((_, p) => units[p]!.some((u) => u > 0));
  const products: ProductWeeks[] = [];
  const sold: CatalogProduct[] = [];
  input.products.forEach((product, p) => {
    if (!keep[p]) return;
    sold.push(product);
    products.push({
      id: product.id,
      units: units[p]!,
      price: units[p]!.map((u, w) => (u > 0 ? revenue[p]![w]! / u : null)),
      promo: units[p]!.map((_, w) => {
        const [from, to] = [weekStart(w).getTime(), weekStart(w + 1).getTime()];
        return input.campaigns.some(
          (c) =>
            c.startsAt.getTime() < to &&
            c.endsAt.getTime() > from &&
            (c.productIds === null || c.productIds.includes(product.id)),
        )
          ? 1
          : 0;
      }),
    });
  });
  return { history: { yearPosition, products }, sold };
}

export function runPicks(input: PicksInput): PicksResult {
  const { history, sold } = weeklyHistory(input);
  const weeks = history.products[0]?.units.length ?? 0;
  const need = `Weekly picks need at least ${MIN_WEEKS} weeks of orders and at least two products that sold`;
  if (weeks < MIN_WEEKS + BACKTEST_ORIGINS / 2 || sold.length < 2)
    return {
      ok: false,
      problem: "not-enough-data",
      reason: `${need}; there ${weeks === 1 ? "is 1 week" : `are ${weeks} weeks`} and ${sold.length} ${sold.length === 1 ? "product" : "products"} with sales.`,
    };
  // The backtest keeps at least MIN_WEEKS weeks before its first origin.
  const origins = Math.min(BACKTEST_ORIGINS, weeks - MIN_WEEKS);
  const tested = backtest(history, origins);
  if ("failed" in tested) return { ok: false, problem: "not-converged", reason: tested.failed };
  const fitted = fitForecast(history, weeks);
  if (!fitted.ok) return { ok: false, problem: "not-converged", reason: fitted.reason };
  const model = fitted.model;
  const beta = promotionCoefficient(model);
  const settings: PickSettings = { ...input.settings, estimatedLift: beta === null ? null : Math.exp(beta) };
  const baseline = sold.map((_, p) => forecastWeek(history, model, p, weeks));
  const { picks, evaluated } = choosePicks(
    sold.map((product, p) => ({ ...product, baselineUnits: baseline[p]! })),
    settings,
  );
  const shown = (id: string) => history.products.find((p) => p.id === id)!.units.slice(-HISTORY_SHOWN);
  return {
    ok: true,
    weeks,
    products: sold.length,
    backtest: tested,
    model: {
      features: model.features,
      coefficients: {
        intercept: model.fit.intercept,
        ...Object.fromEntries(model.features.map((f, j) => [f, model.fit.coef[j]!])),
      },
      seasonal: model.seasonal,
      rows: model.rows,
    },
    promotion: {
      source: beta === null ? "prior" : "history",
      lift: bonusLift(settings),
    },
    picks: picks.map((p) => ({ ...p, history: shown(p.id) })),
    evaluated,
    forecastUnits: baseline.reduce((s, v) => s + v, 0),
  };
}
