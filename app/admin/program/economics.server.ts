import type { PrismaClient } from "~/db.server";
import type { ShopEconomics } from "~/loyalty/program-cost";

// The shop's own figures the program's cost estimate rests on (app/loyalty/program-cost.ts):
// the distribution of order values over the last year, shipping per order, members' sales
// in the last 30 days, the tier mix, the points members hold and which rewards they take.

const DAY_MS = 86_400_000;

export async function shopEconomics(db: PrismaClient, shop: string, now: Date): Promise<ShopEconomics> {
  const yearAgo = new Date(now.getTime() - 365 * DAY_MS);
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const [orders, memberSales, tiers, held, redemptions] = await Promise.all([
    db.$queryRaw<
      {
        n: bigint;
        p25: number | null;
        p50: number | null;
        p75: number | null;
        p90: number | null;
        ship: number | null;
      }[]
    >`
      SELECT count(*) AS n,
        percentile_cont(0.25) WITHIN GROUP (ORDER BY "subtotalMinor") AS p25,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY "subtotalMinor") AS p50,
        percentile_cont(0.75) WITHIN GROUP (ORDER BY "subtotalMinor") AS p75,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY "subtotalMinor") AS p90,
        avg("totalShippingMinor")::float8 AS ship
      FROM "Order"
      WHERE "shop" = ${shop} AND NOT "test" AND "cancelledAt" IS NULL
        AND COALESCE("processedAt", "shopifyCreatedAt") >= ${yearAgo}`,
    db.$queryRaw<{ sales: bigint | null }[]>`
      SELECT sum(o."subtotalMinor") AS sales
      FROM "Order" o JOIN "Member" m ON m."shop" = o."shop" AND m."customerId" = o."customerId"
      WHERE o."shop" = ${shop} AND NOT o."test" AND o."cancelledAt" IS NULL AND m."status" = 'active'
        AND COALESCE(o."processedAt", o."shopifyCreatedAt") >= ${monthAgo}`,
    db.member.groupBy({ by: ["tierId"], where: { shop, status: "active" }, _count: { _all: true } }),
    db.member.aggregate({
      where: { shop, status: "active" },
      _sum: { availablePoints: true, pendingPoints: true },
    }),
    db.redemption.groupBy({
      by: ["rewardId"],
      where: { shop, status: { in: ["issued", "used", "expired"] }, createdAt: { gte: yearAgo } },
      _count: { _all: true },
    }),
  ]);
  const o = orders[0];
  const members = tiers.reduce((sum, t) => sum + t._count._all, 0);
  return {
    orderValues:
      o && o.n > 0n && o.p25 !== null && o.p50 !== null && o.p75 !== null && o.p90 !== null
        ? { p25: Math.round(o.p25), p50: Math.round(o.p50), p75: Math.round(o.p75), p90: Math.round(o.p90) }
        : null,
    averageShippingMinor: Math.round(o?.ship ?? 0),
    memberSales30dMinor: Number(memberSales[0]?.sales ?? 0n),
    tierMix: Object.fromEntries(tiers.map((t) => [t.tierId ?? "", members ? t._count._all / members : 0])),
    outstandingPoints: (held._sum.availablePoints ?? 0) + (held._sum.pendingPoints ?? 0),
    redemptionsByReward: Object.fromEntries(redemptions.map((r) => [r.rewardId, r._count._all])),
  };
}
