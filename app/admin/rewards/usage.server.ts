import type { PrismaClient } from "~/db.server";
import type { Program } from "~/loyalty/program";
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

/**
 * Names for the product ids the program refers to (free-product rewards, product
 * multipliers and exclusions), from the mirrored products, keyed by gid and numeric id.
 */
export async function productTitles(
  db: PrismaClient,
  shop: string,
  program: Program,
): Promise<Record<string, string>> {
  const numeric = (id: string) => /(\d+)$/.exec(id)?.[1] ?? null;
  const ids = new Set<string>();
  for (const r of program.rewards) if (r.value.kind === "freeProduct") ids.add(r.value.productId);
  for (const m of program.earning.multipliers) if (m.target === "product") ids.add(m.value);
  for (const p of program.earning.exclusions.productIds) ids.add(p);
  const wanted = [...ids].map(numeric).filter((n): n is string => n !== null);
  if (!wanted.length) return {};
  const products = await db.product.findMany({
    where: { shop, id: { in: wanted.map(BigInt) } },
    select: { id: true, title: true },
  });
  const titles: Record<string, string> = {};
  for (const p of products) {
    titles[p.id.toString()] = p.title;
    titles[`gid://shopify/Product/${p.id}`] = p.title;
  }
  return titles;
}
