import type { PrismaClient } from "~/db.server";
import type { PurchaseEvent } from "./evaluate";
import { idOrder } from "./recommend";
import type { ProductText } from "./tfidf";

// What the recommender reads from the mirror: the shop's products (archived and draft ones
// are not recommended) in ascending id order, and the counted order lines of known customers.

export type CatalogProduct = ProductText & { id: string };

export async function loadCatalog(db: PrismaClient, shop: string): Promise<CatalogProduct[]> {
  const rows = await db.product.findMany({
    where: {
      shop,
      OR: [{ status: null }, { status: { notIn: ["archived", "draft", "ARCHIVED", "DRAFT"] } }],
    },
    select: { id: true, title: true, description: true, productType: true, tags: true },
  });
  return rows
    .map((r) => ({
      id: r.id.toString(),
      title: r.title,
      description: r.description,
      productType: r.productType,
      tags: r.tags,
    }))
    .sort((a, b) => idOrder(a.id, b.id));
}

/**
 * Each customer's first purchase of each product (later ones change neither the baskets nor
 * the holdout's "bought for the first time after the cutoff"), in days since the epoch; ids as
 * text and days as numbers, so a million lines cost no BigInt or Date each.
 */
export async function loadPurchases(db: PrismaClient, shop: string): Promise<PurchaseEvent[]> {
  return db.$queryRaw<PurchaseEvent[]>`
    SELECT o."customerId"::text AS "customerId", l->>'productId' AS "productId",
      extract(epoch FROM min(COALESCE(o."processedAt", o."shopifyCreatedAt")))::float8 / 86400 AS day
    FROM "Order" o, jsonb_array_elements(o."lineItems") AS l
    WHERE o."shop" = ${shop} AND o."customerId" IS NOT NULL AND o."cancelledAt" IS NULL AND NOT o."test"
      AND l->>'productId' IS NOT NULL AND COALESCE(o."processedAt", o."shopifyCreatedAt") IS NOT NULL
    GROUP BY 1, 2`;
}

/** The distinct products a customer bought (counted orders), ascending. */
export async function loadMemberHistory(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
): Promise<string[]> {
  const rows = await db.$queryRaw<{ productId: string }[]>`
    SELECT DISTINCT l->>'productId' AS "productId"
    FROM "Order" o, jsonb_array_elements(o."lineItems") AS l
    WHERE o."shop" = ${shop} AND o."customerId" = ${customerId} AND o."cancelledAt" IS NULL AND NOT o."test"
      AND l->>'productId' IS NOT NULL`;
  return rows.map((r) => r.productId).sort(idOrder);
}
