import type { BgNbdParams } from "~/intelligence/clv/bgnbd";
import type { GammaGammaParams } from "~/intelligence/clv/gamma-gamma";
import { discountedLifetimeValue } from "~/intelligence/clv/lifetime-value";

// The long-term objective's surrogate (ADR 0043): for an exposed member,
// the change in predicted lifetime value between their exposure and now, both predicted by
// the shop's current lifetime-value model (BG/NBD + Gamma-Gamma, app/intelligence/clv) from
// the member's purchase history up to each instant. The metric `longTermValue` (metrics.ts)
// adds it, at the experiment's gross margin, to the net margin the member made since exposure.
//
// Pure: the summaries come from SQL (long-term.server.ts) or from the simulator's validation.

/** As the intelligence room discounts (clv/store.server.ts): 30 days a month, 12 months, 1% a month. */
export const SURROGATE_HORIZON = { unitsPerMonth: 30, months: 12, monthlyDiscountRate: 0.01 } as const;

/** The shop's fitted model, as the metric reads it. */
export interface SurrogateModel {
  fitId: string;
  purchases: BgNbdParams;
  spend: GammaGammaParams;
  /** Minor units per major unit of the shop's currency (Gamma-Gamma is fitted in major units). */
  minorPerMajor: number;
}

/** A member's RFM summary at one instant (clv README "Input"), spend in minor units; null before any purchase. */
export interface RfmSummary {
  x: number;
  tx: number;
  T: number;
  spendMinor: number;
}

/**
 * Predicted 12-month discounted value (minor units) of a member with summary `s`. A member
 * who has not bought yet is worth 0: the model describes customers from their first purchase
 * (the first purchase's value then appears in both terms of the objective: its margin, and the
 * lifetime value it opens).
 */
export function predictedValueMinor(model: SurrogateModel, s: RfmSummary | null): number {
  if (!s) return 0;
  const value = discountedLifetimeValue(
    model.purchases,
    model.spend,
    { x: s.x, tx: s.tx, T: s.T, spend: s.spendMinor / model.minorPerMajor },
    SURROGATE_HORIZON,
  );
  // Null only when the spend model's q ≤ 1 (an infinite mean spend); the loader refuses such a model.
  return (value ?? 0) * model.minorPerMajor;
}

/** Predicted value now minus predicted value at exposure (minor units). */
export function lifetimeValueChange(
  model: SurrogateModel,
  atExposure: RfmSummary | null,
  now: RfmSummary | null,
): number {
  return predictedValueMinor(model, now) - predictedValueMinor(model, atExposure);
}

/** One purchase day: when its first order was placed and what the day's orders netted (minor units). */
export interface PurchaseDay {
  at: Date;
  netMinor: number;
}

/**
 * The summary as of `cutoff` from a member's purchase days (sorted or not), as
 * app/intelligence/clv/summaries.server.ts computes it in SQL: x repeat days, t_x and T in days
 * from the first purchase, rounded to the hour, spend the mean of the repeat days. Null
 * without a purchase before the cutoff. (The simulator's validation uses it; the app reads
 * the same columns from SQL.)
 */
export function summaryAt(days: readonly PurchaseDay[], cutoff: Date): RfmSummary | null {
  const before = days.filter((d) => d.netMinor > 0 && d.at < cutoff).sort((a, b) => +a.at - +b.at);
  if (before.length === 0) return null;
  const first = before[0]!;
  const last = before.at(-1)!;
  const hours = (ms: number) => Math.round(ms / 3_600_000) / 24;
  const repeat = before.slice(1);
  return {
    x: repeat.length,
    tx: hours(+last.at - +first.at),
    T: hours(+cutoff - +first.at),
    spendMinor: repeat.length ? repeat.reduce((s, d) => s + d.netMinor, 0) / repeat.length : 0,
  };
}
