import {
  durationForEffect,
  minimumDetectableEffect,
  type Design,
  type Duration,
} from "~/experiments/stats/power";

// The power and minimum-detectable-effect figures the admin shows, from the shop's own
// traffic (traffic.server.ts). Exposure is at assignment (ADR 0020, amended): the audience
// present at launch is exposed at once and members joining later at their join, so a plan
// starts from the members now plus those joining a day, and the per-member net revenue's mean
// and variance across ALL members (zeros included) over the same horizon as the plan row.
// Pure, so the create flow recomputes them in the browser as the merchant changes weights,
// traffic share or the target lift.

/** Net revenue per member (minor units, zeros included) over the last `days`. */
export type HorizonBaseline = { days: number; meanMinor: number; varianceMinor: number };

export type ShopTraffic = {
  /** Members now: the audience exposed at launch (all members; the traffic share scales it). */
  members: number;
  /** The window the joining rate is read over (days). */
  joinDays: number;
  /** Members joining a day over that window: new exposures a day. */
  dailyJoined: number;
  /** One per PLAN_DAYS horizon, ascending. */
  horizons: HorizonBaseline[];
  /** Mean order value (minor units) over the last `joinDays`, the "typical order" of the earning preview. */
  typicalOrderMinor: number;
};

export type PlanRow = { days: number; mde: number | null; reason?: string };

export const PLAN_DAYS = [14, 28, 56, 90] as const;
export const SUGGESTED_HOLDOUT_SHARES = [5, 10] as const;
export const HOLDOUT_HORIZON_DAYS = 90;

/** The baseline measured over `days`, or the longest one shorter than it (the longest for beyond). */
export function horizonBaseline(traffic: ShopTraffic, days: number): HorizonBaseline | undefined {
  const fitting = traffic.horizons.filter((h) => h.days <= days);
  return fitting.at(-1) ?? traffic.horizons[0];
}

function plan(traffic: ShopTraffic, h: HorizonBaseline, weights: readonly number[], design: Design) {
  return {
    baselineMean: h.meanMinor,
    baselineVariance: h.varianceMinor,
    dailyExposed: traffic.dailyJoined,
    initialExposed: traffic.members,
    weights,
    method: design,
  };
}

/** The traffic an experiment on `percent`% of members sees. */
export function shareOf(traffic: ShopTraffic, percent: number): ShopTraffic {
  const k = percent / 100;
  return { ...traffic, members: traffic.members * k, dailyJoined: traffic.dailyJoined * k };
}

/** Why the calculator has nothing to say yet, or null when it can run. */
export function trafficProblem(traffic: ShopTraffic): string | null {
  const longest = traffic.horizons.at(-1);
  if (traffic.members < 2) return "Fewer than 2 members: there is no audience to plan with yet.";
  if (!longest || !(longest.varianceMinor > 0))
    return `No member bought in the last ${longest?.days ?? HOLDOUT_HORIZON_DAYS} days: there is no variance to plan with yet.`;
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
    const h = horizonBaseline(traffic, days);
    if (!h) return { days, mde: null, reason: "no baseline" };
    const mde = minimumDetectableEffect(plan(traffic, h, weights, design), days);
    return mde.ok ? { days, mde: mde.relative } : { days, mde: null, reason: mde.reason };
  });
}

/**
 * Days until `liftPercent` is detectable, or why not. Each stretch of days is planned with the
 * baseline measured over the horizon that ends it (days 1–14 with the 14-day one, 15–28 with the
 * 28-day one, …; past the longest, with the longest), so the variance matches the horizon.
 */
export function durationFor(
  traffic: ShopTraffic,
  weights: readonly number[],
  liftPercent: number,
  design: Design = "sequential",
  maxDays = 365,
): Duration {
  let from = 0;
  let last: Duration = { ok: false, reason: "there is no baseline to plan with" };
  for (let i = 0; i < traffic.horizons.length; i++) {
    const h = traffic.horizons[i]!;
    const until = i === traffic.horizons.length - 1 ? maxDays : h.days;
    last = durationForEffect(plan(traffic, h, weights, design), liftPercent / 100, until);
    if (last.ok && last.days > from) return last;
    if (last.ok) return { ...last, days: from + 1 };
    from = until;
  }
  return last;
}

/** What a holdout of `sharePercent` buys over the horizon (the domain's holdoutPrecision, sequential as the report). */
export function precisionRow(mde: { ok: true; relative: number } | { ok: false; reason: string }): {
  mde: number | null;
  reason?: string;
} {
  return mde.ok ? { mde: mde.relative } : { mde: null, reason: `No estimate yet: ${mde.reason}.` };
}

/** The domain's baseline shape from the traffic, with the per-member figures over `days`. */
export function baselineOf(traffic: ShopTraffic, days = HOLDOUT_HORIZON_DAYS) {
  const h = horizonBaseline(traffic, days);
  return {
    baselineMean: h?.meanMinor ?? 0,
    baselineVariance: h?.varianceMinor ?? 0,
    dailyExposed: traffic.dailyJoined,
    initialExposed: traffic.members,
    days: h?.days ?? days,
  };
}
