import { prisma, type PrismaClient } from "~/db.server";

// A member's reward recommendation as plain JSON, for the member page and the public API
// (GET /api/v1/recommendations/{customerId}: the lead adds it to that response). Amounts are
// minor units with the run's currency. null: the member has no recommendation (not a member,
// no run yet, or the program has no rewards to recommend).

export type RewardChoice = {
  rewardId: string;
  rewardName: string;
  pointsCost: number;
  /** Points still missing; 0 when they can redeem it now. */
  pointsGap: number;
  /** P(redeem within `horizonDays`); null under the affordability rule. */
  probability: number | null;
  /** The margin on the order the redemption comes with, after the reward's cost. */
  marginImpactMinor: number;
  /** probability × marginImpact; null under the affordability rule. */
  expectedValueMinor: number | null;
};

export type RewardRecommendations = {
  customerId: string;
  /** "model": P(redeem) × margin impact; "affordability": the rule used until there are enough redemptions. */
  method: "model" | "affordability";
  /** Why the affordability rule is in use (null under the model). */
  reason: string | null;
  horizonDays: number;
  currency: string;
  computedAt: string;
  recommended: RewardChoice & { drivers: { label: string; contribution: number }[] };
  /** Every reward, best first (the recommended one included). */
  ranked: RewardChoice[];
};

export async function rewardRecommendationsFor(
  shop: string,
  customerId: bigint | string,
  db: PrismaClient = prisma(),
): Promise<RewardRecommendations | null> {
  const id = typeof customerId === "bigint" ? customerId : BigInt(customerId);
  const row = await db.memberRewardRecommendation.findUnique({
    where: { shop_customerId: { shop, customerId: id } },
  });
  if (!row) return null;
  const run = await db.rewardRecommendationRun.findUnique({
    where: { id: row.runId },
    select: { reason: true, horizonDays: true, currencyCode: true },
  });
  const drivers = (row.drivers as { label: string; contribution: number }[]).map((d) => ({
    label: d.label,
    contribution: d.contribution,
  }));
  return {
    customerId: String(row.customerId),
    method: row.method === "model" ? "model" : "affordability",
    reason: row.method === "model" ? null : (run?.reason ?? null),
    horizonDays: run?.horizonDays ?? 90,
    currency: run?.currencyCode ?? "USD",
    computedAt: row.computedAt.toISOString(),
    recommended: {
      rewardId: row.rewardId,
      rewardName: row.rewardName,
      pointsCost: row.pointsCost,
      pointsGap: row.pointsGap,
      probability: row.probability,
      marginImpactMinor: row.marginImpactMinor,
      expectedValueMinor: row.expectedValueMinor,
      drivers,
    },
    ranked: row.ranked as RewardChoice[],
  };
}
