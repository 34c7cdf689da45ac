import type { PrismaClient } from "~/db.server";
import type { RewardUsage } from "./usage";

// Each reward's use, for the catalogue: redemptions (codes issued, failed ones aside),
// points spent (net of points that came back), codes used at checkout, the discounts those
// orders got, and when it was last redeemed and last used. The discount of a fixed-amount
// code is its amount; for the other kinds it is the discount Shopify recorded on the order.

type Row = {
  rewardId: string;
  redemptions: bigint;
  used: bigint;
  points: bigint | null;
  discounts: bigint | null;
  lastRedeemed: Date | null;
  lastUsed: Date | null;
};

export async function rewardUsage(db: PrismaClient, shop: string): Promise<Record<string, RewardUsage>> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT r."rewardId",
      count(*) FILTER (WHERE r."status" <> 'failed') AS redemptions,
      count(*) FILTER (WHERE r."status" = 'used') AS used,
      sum(r."pointsCost") FILTER (WHERE r."status" <> 'failed' AND r."returnedAt" IS NULL) AS points,
      sum(CASE WHEN r."status" = 'used' THEN
            CASE WHEN r."reward"->'value'->>'kind' = 'fixedAmount'
                 THEN (r."reward"->'value'->'amount'->>'amountMinor')::bigint
                 ELSE o."totalDiscountsMinor" END
          END) AS discounts,
      max(r."createdAt") FILTER (WHERE r."status" <> 'failed') AS "lastRedeemed",
      max(r."usedAt") AS "lastUsed"
    FROM "Redemption" r
    LEFT JOIN "Order" o ON o."shop" = r."shop" AND o."id" = r."usedOrderId"
    WHERE r."shop" = ${shop}
    GROUP BY r."rewardId"`;
  return Object.fromEntries(
    rows.map((r) => [
      r.rewardId,
      {
        redemptions: Number(r.redemptions),
        used: Number(r.used),
        pointsSpent: Number(r.points ?? 0n),
        discountsMinor: Number(r.discounts ?? 0n),
        lastRedeemedAt: r.lastRedeemed?.toISOString() ?? null,
        lastUsedAt: r.lastUsed?.toISOString() ?? null,
      },
    ]),
  );
}
