// What one redemption of a reward is worth to the merchant, for this member (ADR
// 0037-reward-recs-model): the gross margin on the order the redemption comes with, after the
// reward's cost.
//
//   order(r)        = max(member's mean order subtotal, r's minimum subtotal)
//                     (no orders yet: the shop's median order)
//   cost(r)         = fixed amount → the amount; percentage → percent × order(r);
//                     free shipping → the shop's average shipping charged; free product → its value
//   marginImpact(r) = grossMargin × incrementalShare × order(r) − cost(r)
//   expectedValue   = P(redeem r within the horizon) × marginImpact(r)
//
// incrementalShare is the part of the redeeming order the reward brings about. It defaults to 1
// (the whole order's margin: an upper bound, the same for every reward, so it does not change
// which reward ranks first unless the margins are close to the costs); the program holdout's
// measured lift is what should replace it. A minimum subtotal raises order(r) above the member's
// usual basket: that is the part of the "response" that differs between rewards.
import type { RewardMember, RewardOffer } from "./features";

export type ValueOptions = {
  /** Gross margin as a share of merchandise sales (the experiments' default is 40%). */
  grossMargin: number;
  /** The shop's median order subtotal (major units): the basket of a member with no orders. */
  shopMedianOrder: number;
  incrementalShare?: number;
};

export const DEFAULT_GROSS_MARGIN = 0.4;

/** The member's mean order subtotal (major units), or null without orders. */
export function meanOrder(member: Pick<RewardMember, "orders">, before = Infinity): number | null {
  let n = 0;
  let sum = 0;
  for (const o of member.orders)
    if (o.day < before) {
      n++;
      sum += o.subtotal;
    }
  return n ? sum / n : null;
}

export type MarginImpact = { orderValue: number; cost: number; marginImpact: number };

export function marginImpact(
  reward: RewardOffer & { percent?: number | null },
  memberMeanOrder: number | null,
  o: ValueOptions,
): MarginImpact {
  const orderValue = Math.max(memberMeanOrder ?? o.shopMedianOrder, reward.minimumSubtotal);
  const cost = reward.percent ? (reward.percent / 100) * orderValue : reward.value;
  const share = o.incrementalShare ?? 1;
  return { orderValue, cost, marginImpact: o.grossMargin * share * orderValue - cost };
}
