import type { Prisma } from "~/db.server";
import type { Program } from "~/loyalty/program";
import { amountToKeepTier, tierDropAt } from "./scheduled-triggers";
import { formatShopDate, formatTierAmount, nearestReward, type TemplateValues } from "./template";

// The template's values for one member at send time: their name, balance and tier now,
// the reward they are nearest to and the tier above under their own program, the points of
// the event that triggered the message, and for an expiry notice or a downgrade warning the
// points, amounts and dates concerned, in the shop's currency and time zone.

type Db = Pick<Prisma.TransactionClient, "loyaltyEvent">;

export type ValuesMember = {
  availablePoints: number;
  tierId: string | null;
  tierBelowSince: Date | null;
  tierValue: bigint;
  nextTierId: string | null;
  tierRemaining: bigint;
};

export async function templateValues(
  db: Db,
  input: {
    shop: string;
    shopName: string;
    timeZone: string;
    currencyCode: string;
    occurrence: string;
    firstName: string | null;
    member: ValuesMember;
    program: Program;
  },
): Promise<TemplateValues> {
  const { member, program, timeZone, currencyCode } = input;
  const event = await db.loyaltyEvent.findUnique({
    where: { shop_key: { shop: input.shop, key: input.occurrence } },
    select: { type: true, payload: true },
  });
  const payload = (event?.payload ?? {}) as { points?: unknown; expiresAt?: unknown };
  const points = typeof payload.points === "number" ? payload.points : 0;
  const expiresAt = typeof payload.expiresAt === "string" ? new Date(payload.expiresAt) : null;
  const isExpiry = event?.type === "pointsExpiring";
  const nearest = nearestReward(member.availablePoints, program.rewards);
  const tiers = program.tiers;
  const levelName = (id: string | null) => tiers.levels.find((l) => l.id === id)?.name ?? null;
  const nextTierName = levelName(member.nextTierId);
  const dropAt = tierDropAt(member, tiers);
  const toKeep = dropAt ? amountToKeepTier(member.tierId, Number(member.tierValue), tiers) : null;
  return {
    firstName: input.firstName,
    shopName: input.shopName,
    balance: member.availablePoints,
    points,
    tierName: levelName(member.tierId),
    nearestReward: nearest?.name ?? null,
    pointsToNextReward: nearest?.missing ?? 0,
    expiringPoints: isExpiry ? points : 0,
    expiryDate:
      isExpiry && expiresAt && !Number.isNaN(expiresAt.getTime())
        ? formatShopDate(expiresAt, timeZone)
        : null,
    nextTierName,
    amountToNextTier:
      nextTierName && member.tierRemaining > 0n
        ? formatTierAmount(Number(member.tierRemaining), tiers.basis, currencyCode)
        : null,
    tierDropDate: dropAt ? formatShopDate(dropAt, timeZone) : null,
    amountToKeepTier: toKeep !== null ? formatTierAmount(toKeep, tiers.basis, currencyCode) : null,
  };
}
