import { durationForEffect, minimumDetectableEffect, type Design } from "~/experiments/stats/power";

// The power and minimum-detectable-effect figures the admin shows, from the shop's own
// traffic (traffic.server.ts): members exposed per day ≈ members ordering per day, and the
// per-member net revenue's mean and variance over the same window. Pure, so the create
// flow recomputes them in the browser as the merchant changes weights or the target lift.

export type ShopTraffic = {
  /** The window the figures come from (days). */
  days: number;
  /** Distinct customers with an order in the window. */
  orderingCustomers: number;
  /** Customers ordering per day: the stand-in for members newly exposed per day. */
  dailyExposed: number;
  /** Per ordering customer: mean and variance of net revenue (minor units) in the window. */
  meanMinor: number;
  varianceMinor: number;
  /** Mean order value (minor units), the "typical order" of the earning preview. */
  typicalOrderMinor: number;
};

export type PlanRow = { days: number; mde: number | null; reason?: string };

export const PLAN_DAYS = [14, 28, 56, 90] as const;
export const SUGGESTED_HOLDOUT_SHARES = [5, 10] as const;
export const HOLDOUT_HORIZON_DAYS = 90;

function plan(traffic: ShopTraffic, weights: readonly number[], design: Design) {
  return {
    baselineMean: traffic.meanMinor,
    baselineVariance: traffic.varianceMinor,
    dailyExposed: traffic.dailyExposed,
    weights,
    method: design,
  };
}

/** Why the calculator has nothing to say yet, or null when it can run. */
export function trafficProblem(traffic: ShopTraffic): string | null {
  if (traffic.orderingCustomers < 2)
    return `Fewer than 2 customers ordered in the last ${traffic.days} days: there is no traffic to plan with yet.`;
  if (!(traffic.varianceMinor > 0))
    return "Every member spent the same: there is no variance to plan with yet.";
  return null;
}

/** The smallest relative lift in net revenue per member detectable (80% power) after each horizon. */
export function mdeTable(
  traffic: ShopTraffic,
  weights: readonly number[],
  design: Design = "sequential",
  horizons: readonly number[] = PLAN_DAYS,
): PlanRow[] {
  return horizons.map((days) => {
    const mde = minimumDetectableEffect(plan(traffic, weights, design), days);
    return mde.ok ? { days, mde: mde.relative } : { days, mde: null, reason: mde.reason };
  });
}

/** Days until `liftPercent` is detectable, or why not. */
export function durationFor(
  traffic: ShopTraffic,
  weights: readonly number[],
  liftPercent: number,
  design: Design = "sequential",
) {
  return durationForEffect(plan(traffic, weights, design), liftPercent / 100);
}

/** What a holdout of `sharePercent` buys over the horizon (the domain's holdoutPrecision, sequential as the report). */
export function precisionRow(mde: { ok: true; relative: number } | { ok: false; reason: string }): {
  mde: number | null;
  reason?: string;
} {
  return mde.ok ? { mde: mde.relative } : { mde: null, reason: `No estimate yet: ${mde.reason}.` };
}

/** The domain's baseline shape from the traffic. */
export function baselineOf(traffic: ShopTraffic) {
  return {
    baselineMean: traffic.meanMinor,
    baselineVariance: traffic.varianceMinor,
    dailyExposed: traffic.dailyExposed,
    days: traffic.days,
  };
}
