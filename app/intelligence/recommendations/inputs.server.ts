import type { PrismaClient } from "~/db.server";
import type { PurchaseEvent } from "./evaluate";
import { idOrder } from "./recommend";
import type { ProductText } from "./tfidf";

// What the recommender reads from the mirror: the shop's products (archived and draft ones
// are not recommended) in ascending id order, and every counted order line of a known
// customer as a purchase in days since the epoch.

export const DAY_MS = 86_400_000;

export type CatalogProduct = ProductText & { id: string };

export async function loadCatalog(db: PrismaClient, shop: string): Promise<CatalogProduct[]> {
  const rows = await db.product.findMany({
    where: { shop, OR: [{ status: null }, { status: { notIn: ["archived", "draft", "ARCHIVED", "DRAFT"] } }] },
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

export async function loadPurchases(db: PrismaClient, shop: string): Promise<PurchaseEvent[]> {
  const rows = await db.$queryRaw<{ customerId: bigint; productId: string; at: Date }[]>`
    SELECT o."customerId", l->>'productId' AS "productId", COALESCE(o."processedAt", o."shopifyCreatedAt") AS at
    FROM "Order" o, jsonb_array_elements(o."lineItems") AS l
    WHERE o."shop" = ${shop} AND o."customerId" IS NOT NULL AND o."cancelledAt" IS NULL AND NOT o."test"
      AND l->>'productId' IS NOT NULL AND COALESCE(o."processedAt", o."shopifyCreatedAt") IS NOT NULL`;
  return rows.map((r) => ({
    customerId: r.customerId.toString(),
    productId: r.productId,
    day: r.at.getTime() / DAY_MS,
  }));
}

/** The distinct products a customer bought (counted orders), ascending. */
export async function loadMemberHistory(db: PrismaClient, shop: string, customerId: bigint): Promise<string[]> {
  const rows = await db.$queryRaw<{ productId: string }[]>`
    SELECT DISTINCT l->>'productId' AS "productId"
    FROM "Order" o, jsonb_array_elements(o."lineItems") AS l
    WHERE o."shop" = ${shop} AND o."customerId" = ${customerId} AND o."cancelledAt" IS NULL AND NOT o."test"
      AND l->>'productId' IS NOT NULL`;
  return rows.map((r) => r.productId).sort(idOrder);
}
