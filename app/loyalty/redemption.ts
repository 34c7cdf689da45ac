import type { Money } from "./money";
import type { Program } from "./program";
import type { Reward, RewardValue } from "./program-rewards";

export interface RedeemingMember {
  available: number;
  /** Whether the member is enrolled and not excluded (see membership.ts). */
  eligible: boolean;
}

export interface RedemptionUsage {
  /** Redemptions of this reward by this member that still count (not returned). */
  redemptionsOfReward: number;
  /** The cart subtotal when redeeming from the storefront with a cart; unknown from the account page. */
  cartSubtotalMinor?: number | null;
}

export type RedeemDecision =
  | { ok: true; pointsCost: number }
  | { ok: false; reason: "notEligible" | "rewardInactive" }
  | { ok: false; reason: "insufficientPoints"; shortBy: number }
  | { ok: false; reason: "belowMinimumSubtotal"; minimumSubtotal: Money }
  | { ok: false; reason: "perMemberLimitReached"; limit: number };

/** Active and inside its optional [availableFrom, availableUntil) window. */
export function isRewardAvailable(reward: Reward, now: Date): boolean {
  const t = now.getTime();
  if (!reward.active) return false;
  if (reward.availableFrom && t < Date.parse(reward.availableFrom)) return false;
  return !reward.availableUntil || t < Date.parse(reward.availableUntil);
}

/**
 * Whether a member may redeem a reward now. The reward is looked up in the current program
 * version: one removed or paused after the member opened the page cannot be bought with a
 * stale copy. Checks run cheapest-to-explain first, so the member sees the reason that matters.
 */
export function canRedeem(
  member: RedeemingMember,
  reward: Reward,
  program: Program,
  now: Date,
  usage: RedemptionUsage,
): RedeemDecision {
  if (!member.eligible) return { ok: false, reason: "notEligible" };
  const current = program.rewards.find((r) => r.id === reward.id);
  if (!current || !isRewardAvailable(current, now)) return { ok: false, reason: "rewardInactive" };
  if (current.perMemberLimit !== null && usage.redemptionsOfReward >= current.perMemberLimit) {
    return { ok: false, reason: "perMemberLimitReached", limit: current.perMemberLimit };
  }
  if (
    current.minimumSubtotal &&
    usage.cartSubtotalMinor != null &&
    usage.cartSubtotalMinor < current.minimumSubtotal.amountMinor
  ) {
    return { ok: false, reason: "belowMinimumSubtotal", minimumSubtotal: current.minimumSubtotal };
  }
  if (member.available < current.pointsCost)
    return { ok: false, reason: "insufficientPoints", shortBy: current.pointsCost - member.available };
  return { ok: true, pointsCost: current.pointsCost };
}

/** Everything the Shopify discount needs, independent of the GraphQL mutation that creates it. */
export interface DiscountCodeSpec {
  title: string;
  value: RewardValue;
  minimumSubtotal: Money | null;
  startsAt: Date;
  endsAt: Date;
  /** Single use, by this customer only: the code is worth points. */
  usageLimit: 1;
  appliesOncePerCustomer: true;
}

const DAY_MS = 86_400_000;

export function discountSpecForReward(reward: Reward, now: Date): DiscountCodeSpec {
  return {
    title: reward.name,
    value: reward.value,
    minimumSubtotal: reward.minimumSubtotal,
    startsAt: now,
    endsAt: new Date(now.getTime() + reward.codeLifetimeDays * DAY_MS),
    usageLimit: 1,
    appliesOncePerCustomer: true,
  };
}
