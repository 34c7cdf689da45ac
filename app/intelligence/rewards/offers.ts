// The program's rewards as the reward model sees them (major units). What a redemption gives is
// the program cost preview's own valuation (../../loyalty/program-cost.ts rewardValueMinor): a
// fixed amount, a percentage of the basket, free shipping at the shop's average shipping
// charged. Free-product rewards are left out: their cost to the merchant (the product's unit
// cost) is not mirrored, and valuing them at nothing would make them look free.
import { rewardValueMinor, type ShopEconomics } from "~/loyalty/program-cost";
import type { Reward } from "~/loyalty/program-rewards";
import type { RewardOffer } from "./features";

export type Offer = RewardOffer & { percent: number | null };

export function rewardOffers(
  rewards: readonly Reward[],
  shop: { medianOrderMinor: number | null; averageShippingMinor: number },
  perMajor: number,
  now: Date,
): Offer[] {
  const economics: ShopEconomics = {
    orderValues:
      shop.medianOrderMinor === null
        ? null
        : {
            p25: shop.medianOrderMinor,
            p50: shop.medianOrderMinor,
            p75: shop.medianOrderMinor,
            p90: shop.medianOrderMinor,
          },
    averageShippingMinor: shop.averageShippingMinor,
    memberSales30dMinor: 0,
    tierMix: {},
    outstandingPoints: 0,
    redemptionsByReward: {},
  };
  const open = (r: Reward) =>
    (!r.availableFrom || Date.parse(r.availableFrom) <= now.getTime()) &&
    (!r.availableUntil || Date.parse(r.availableUntil) > now.getTime());
  return rewards.flatMap((r) => {
    if (!r.active || !open(r) || r.value.kind === "freeProduct") return [];
    return [
      {
        id: r.id,
        name: r.name,
        pointsCost: r.pointsCost,
        minimumSubtotal: (r.minimumSubtotal?.amountMinor ?? 0) / perMajor,
        value: (rewardValueMinor(r, economics) ?? 0) / perMajor,
        percent: r.value.kind === "percentage" ? r.value.percent : null,
      },
    ];
  });
}
