// How well a ranking of rewards names the reward a member actually redeemed next: over the
// members who redeemed in the test window, the share whose first redemption there is the
// ranking's top reward (precision@1 = hit rate, one relevant item per member). The baselines
// rank without the model: the shop's most redeemed reward (in the training window), the
// cheapest reward the member can afford (else the cheapest), and a uniformly random one
// (its expected hit rate, 1 / number of rewards, without drawing).
import { balanceAt, nextRedemption, type RewardMember, type RewardOffer } from "./features";

export type Ranker = (member: RewardMember) => readonly string[];

export type HitRate = { members: number; hits: number; precisionAt1: number | null };

export function precisionAt1(
  members: readonly RewardMember[],
  cutoff: number,
  horizon: number,
  rank: Ranker,
): HitRate {
  let n = 0;
  let hits = 0;
  for (const m of members) {
    if (!m.orders.some((o) => o.day < cutoff)) continue;
    const actual = nextRedemption(m, cutoff, horizon);
    if (actual === null) continue;
    n++;
    if (rank(m)[0] === actual) hits++;
  }
  return { members: n, hits, precisionAt1: n ? hits / n : null };
}

/** Rewards by how often they were redeemed in [from, to), most first (ties: cheaper first). */
export function popularity(
  members: readonly RewardMember[],
  rewards: readonly RewardOffer[],
  from: number,
  to: number,
): string[] {
  const count = new Map(rewards.map((r) => [r.id, 0]));
  for (const m of members)
    for (const e of m.redemptions)
      if (e.day >= from && e.day < to && count.has(e.rewardId))
        count.set(e.rewardId, count.get(e.rewardId)! + 1);
  return [...rewards]
    .sort((a, b) => count.get(b.id)! - count.get(a.id)! || a.pointsCost - b.pointsCost)
    .map((r) => r.id);
}

/** The cheapest reward the member can afford at the cutoff first, then the rest by cost. */
export function cheapestAffordable(rewards: readonly RewardOffer[], cutoff: number): Ranker {
  const byCost = [...rewards].sort((a, b) => a.pointsCost - b.pointsCost);
  return (m) => {
    const balance = balanceAt(m, cutoff);
    const first = byCost.find((r) => r.pointsCost <= balance) ?? byCost[0];
    return first ? [first.id, ...byCost.filter((r) => r !== first).map((r) => r.id)] : [];
  };
}

/** The affordability rule: the most valuable affordable reward, else the one closest to affordable. */
export function affordabilityRank(rewards: readonly RewardOffer[], balance: number): RewardOffer[] {
  const affordable = rewards.filter((r) => r.pointsCost <= balance).sort((a, b) => b.value - a.value);
  const rest = rewards
    .filter((r) => r.pointsCost > balance)
    .sort((a, b) => a.pointsCost - balance - (b.pointsCost - balance) || b.value - a.value);
  return [...affordable, ...rest];
}
