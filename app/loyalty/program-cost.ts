import { previewEarning } from "./earning-preview";
import { minorUnitsPerMajor } from "./money";
import type { Program } from "./program";
import type { Reward } from "./program-rewards";

// What a program costs the shop, for the admin's preview and the save's confirmation: the
// value of a point (what the rewards give per point spent), the points 100 units of member
// sales earn and their value, the % back at the shop's typical order values, and the
// liability of the points members hold. Pure: the shop's figures come in as ShopEconomics.

/** The shop's own figures the estimate rests on (aggregated in SQL by the admin). */
export interface ShopEconomics {
  /** Order subtotals at the 25th, 50th, 75th and 90th percentiles (minor units), or null without orders. */
  orderValues: { p25: number; p50: number; p75: number; p90: number } | null;
  /** Average shipping charged per order (minor units): what a free-shipping reward gives. */
  averageShippingMinor: number;
  /** Members' merchandise sales in the last 30 days (minor units). */
  memberSales30dMinor: number;
  /** Share of members in each tier id ("" for no tier); sums to 1, or empty. */
  tierMix: Record<string, number>;
  /** Points members hold (available and pending). */
  outstandingPoints: number;
  /** Redemptions per reward id in the last 365 days: weights the value of a point. */
  redemptionsByReward: Record<string, number>;
}

export interface ProgramCost {
  /** Minor units a point is worth when spent, or null when no reward has a value to weigh. */
  pointValueMinor: number | null;
  /** Points 100 major units of member sales earn, at the shop's tier mix. */
  pointsPer100: number;
  /** Reward value earned per 100 major units of member sales (minor units), if every point is spent. */
  costPer100Minor: number | null;
  percentBack: Array<{ label: string; orderMinor: number; points: number; percent: number | null }>;
  /** The points members hold, valued at `pointValueMinor`. */
  liabilityMinor: number | null;
  /** What a month of member sales adds to the liability at this earn rate. */
  monthlyAccrualMinor: number | null;
}

/** What one redemption of `reward` gives, in minor units, or null when it cannot be known here. */
export function rewardValueMinor(reward: Reward, economics: ShopEconomics): number | null {
  const v = reward.value;
  switch (v.kind) {
    case "fixedAmount":
      return v.amount.amountMinor;
    case "percentage": {
      const order = Math.max(economics.orderValues?.p50 ?? 0, reward.minimumSubtotal?.amountMinor ?? 0);
      return order > 0 ? (order * v.percent) / 100 : null;
    }
    case "freeShipping":
      return economics.averageShippingMinor > 0 ? economics.averageShippingMinor : null;
    case "freeProduct":
      return null;
  }
}

/**
 * Minor units per point: the value per point of each active reward, weighted by how often
 * it was redeemed in the last year (plus one, so a new reward counts too).
 */
export function pointValueMinor(program: Program, economics: ShopEconomics): number | null {
  let weighted = 0;
  let weights = 0;
  for (const reward of program.rewards) {
    if (!reward.active) continue;
    const value = rewardValueMinor(reward, economics);
    if (value === null) continue;
    const weight = (economics.redemptionsByReward[reward.id] ?? 0) + 1;
    weighted += (value / reward.pointsCost) * weight;
    weights += weight;
  }
  return weights > 0 ? weighted / weights : null;
}

/** Points earned by an order of `amountMinor`, averaged over the shop's members by tier. */
function pointsAtMix(amountMinor: number, program: Program, tierMix: Record<string, number>): number {
  const entries = Object.entries(tierMix).filter(([, share]) => share > 0);
  if (!entries.length) return previewEarning(amountMinor, program);
  let total = 0;
  let shares = 0;
  for (const [tierId, share] of entries) {
    total += previewEarning(amountMinor, program, tierId || null) * share;
    shares += share;
  }
  return total / shares;
}

export function programCost(program: Program, economics: ShopEconomics): ProgramCost {
  const perMajor = minorUnitsPerMajor(program.currency);
  const value = pointValueMinor(program, economics);
  const pointsPer100 = pointsAtMix(100 * perMajor, program, economics.tierMix);
  const orders = economics.orderValues;
  const typical: Array<[string, number]> = orders
    ? [
        ["Smaller orders (25th percentile)", orders.p25],
        ["Typical order (median)", orders.p50],
        ["Larger orders (75th percentile)", orders.p75],
        ["Top 10% of orders", orders.p90],
      ]
    : [];
  const accrualPoints = (economics.memberSales30dMinor / (100 * perMajor)) * pointsPer100;
  return {
    pointValueMinor: value,
    pointsPer100,
    costPer100Minor: value === null ? null : pointsPer100 * value,
    percentBack: typical.map(([label, orderMinor]) => {
      const points = previewEarning(orderMinor, program);
      return {
        label,
        orderMinor,
        points,
        percent: value === null || orderMinor <= 0 ? null : ((points * value) / orderMinor) * 100,
      };
    }),
    liabilityMinor: value === null ? null : economics.outstandingPoints * value,
    monthlyAccrualMinor: value === null ? null : accrualPoints * value,
  };
}

/** The share by which a change would raise the reward cost per 100 of sales above which a save asks first. */
export const COST_RISE_CONFIRM_SHARE = 0.2;

export interface CostChange {
  before: number;
  after: number;
  /** (after − before) / before. */
  rise: number;
}

/**
 * The change in reward cost per 100 of member sales from `before` to `after`, when both
 * can be valued and it rises by more than COST_RISE_CONFIRM_SHARE; otherwise null.
 */
export function costRiseToConfirm(before: ProgramCost, after: ProgramCost): CostChange | null {
  const a = before.costPer100Minor;
  const b = after.costPer100Minor;
  if (a === null || b === null || a <= 0) return null;
  const rise = (b - a) / a;
  return rise > COST_RISE_CONFIRM_SHARE ? { before: a, after: b, rise } : null;
}
