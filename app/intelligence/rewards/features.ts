// Reward-redemption features for one (member, reward) pair as of a cutoff day, from plain event
// lists (what the service's SQL returns per member). Only events strictly before the cutoff are
// seen; the label is "redeemed this reward in the `horizon` days from the cutoff". Days are any
// consistent day count (fractional is fine); amounts are major units.

export type RewardMember = {
  id: string;
  /** Counted orders: day placed and merchandise subtotal. */
  orders: readonly { day: number; subtotal: number }[];
  /**
   * Spendable-points changes, dated when they become spendable (an earn on its release day,
   * a redemption on its day, expiries, adjustments, reversals).
   */
  points: readonly { day: number; delta: number }[];
  /** Points earned on `since` that become spendable on `day` (the return window): known ahead. */
  pending?: readonly { since: number; day: number; points: number }[];
  /** Redemptions: day and the reward's id. */
  redemptions: readonly { day: number; rewardId: string }[];
};

export type RewardOffer = {
  id: string;
  name: string;
  pointsCost: number;
  /** Minimum order subtotal for the code (major units), 0 for none. */
  minimumSubtotal: number;
  /** What one redemption gives the member (major units), as the program cost preview values it. */
  value: number;
};

export const FEATURES = [
  "affordable",
  "gapShare",
  "reachShare",
  "betterAffordable",
  "fitsOrders",
  "pastThisReward",
  "pastRedemptions",
  "redemptionRate",
  "logRecency",
  "ordersLast365",
  "logValue",
] as const;
export type FeatureName = (typeof FEATURES)[number];

/** What each feature means to a merchant, for the member card's "why". */
export const FEATURE_LABELS: Record<FeatureName, string> = {
  affordable: "can afford it now",
  gapShare: "points still missing",
  reachShare: "points on their way (pending and usual earning) against its cost",
  betterAffordable: "a bigger reward is also affordable",
  fitsOrders: "their orders usually meet its minimum",
  pastThisReward: "redeemed this reward before",
  pastRedemptions: "rewards redeemed before",
  redemptionRate: "redemptions per order",
  logRecency: "time since their last order",
  ordersLast365: "orders in the last year",
  logValue: "reward value",
};

/** One feature per reward id: the reward's own base rate (shrunk by the L2 penalty). */
export const rewardIndicator = (id: string) => `reward:${id}`;

/** Spendable points just before `day`. */
export function balanceAt(member: RewardMember, day: number): number {
  let b = 0;
  for (const p of member.points) if (p.day < day) b += p.delta;
  return Math.max(0, b);
}

/**
 * Points the member can expect to gain in [from, from + days): pending points known before
 * `from` that become spendable in the window, plus the window at their last year's earn rate.
 */
export function expectedGain(member: RewardMember, from: number, days: number): number {
  let scheduled = 0;
  for (const p of member.pending ?? [])
    if (p.since < from && p.day >= from && p.day < from + days) scheduled += p.points;
  let earnedLastYear = 0;
  for (const p of member.points)
    if (p.delta > 0 && p.day < from && p.day >= from - 365) earnedLastYear += p.delta;
  return scheduled + (earnedLastYear / 365) * days;
}

/** The member's features for every reward as of `cutoff` (FEATURES, then the reward indicators). */
export function memberRows(
  member: RewardMember,
  rewards: readonly RewardOffer[],
  cutoff: number,
  horizon: number,
): number[][] {
  const balance = balanceAt(member, cutoff);
  const gain = expectedGain(member, cutoff, horizon);
  const orders = member.orders.filter((o) => o.day < cutoff);
  const past = member.redemptions.filter((r) => r.day < cutoff);
  const last = orders.reduce((m, o) => Math.max(m, o.day), -Infinity);
  const recency = Number.isFinite(last) ? cutoff - last : 3650;
  const lastYear = orders.filter((o) => o.day >= cutoff - 365).length;
  const rate = orders.length ? past.length / orders.length : 0;
  return rewards.map((r) => {
    const affordable = balance >= r.pointsCost ? 1 : 0;
    const better = rewards.some((o) => o.value > r.value && balance >= o.pointsCost) ? 1 : 0;
    const fits = orders.length
      ? orders.filter((o) => o.subtotal >= r.minimumSubtotal).length / orders.length
      : r.minimumSubtotal > 0
        ? 0
        : 1;
    const row = [
      affordable,
      Math.max(0, r.pointsCost - balance) / r.pointsCost,
      Math.min(2, (balance + gain) / r.pointsCost),
      better,
      fits,
      Math.log1p(past.filter((p) => p.rewardId === r.id).length),
      Math.log1p(past.length),
      rate,
      Math.log1p(recency),
      lastYear,
      Math.log1p(Math.max(0, r.value)),
    ];
    for (const o of rewards) row.push(o.id === r.id ? 1 : 0);
    return row;
  });
}

/** The reward the member redeemed first in [cutoff, cutoff + horizon), if any. */
export function nextRedemption(member: RewardMember, cutoff: number, horizon: number): string | null {
  let first: { day: number; rewardId: string } | null = null;
  for (const r of member.redemptions)
    if (r.day >= cutoff && r.day < cutoff + horizon && (!first || r.day < first.day)) first = r;
  return first?.rewardId ?? null;
}

export type RewardDataset = {
  /** Feature names: FEATURES then one indicator per reward. */
  columns: string[];
  /** One row per (member, reward), members in input order, rewards in `rewards` order. */
  X: number[][];
  y: number[];
  memberIds: string[];
  rewardIds: string[];
  cutoff: number;
  horizon: number;
};

/** Rows for every member with an order before the cutoff, one per reward. */
export function buildDataset(
  members: readonly RewardMember[],
  rewards: readonly RewardOffer[],
  cutoff: number,
  horizon: number,
): RewardDataset {
  const X: number[][] = [];
  const y: number[] = [];
  const memberIds: string[] = [];
  const rewardIds: string[] = [];
  for (const m of members) {
    if (!m.orders.some((o) => o.day < cutoff)) continue;
    const rows = memberRows(m, rewards, cutoff, horizon);
    rewards.forEach((r, k) => {
      X.push(rows[k]!);
      y.push(
        m.redemptions.some((e) => e.rewardId === r.id && e.day >= cutoff && e.day < cutoff + horizon) ? 1 : 0,
      );
      memberIds.push(m.id);
      rewardIds.push(r.id);
    });
  }
  return {
    columns: [...FEATURES, ...rewards.map((r) => rewardIndicator(r.id))],
    X,
    y,
    memberIds,
    rewardIds,
    cutoff,
    horizon,
  };
}
