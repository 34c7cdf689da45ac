import type { Prisma } from "~/db.server";

// Favourite categories from the mirror: the product type (Product.productType) a customer
// bought most units of, over their counted orders (not cancelled, not test); without a
// customer (the editor's sample member), the shop's most bought product type. Only the
// latest orders count: recent taste, and a bounded scan on a large shop.

const RECENT_ORDERS = 2000;

type Db = Pick<Prisma.TransactionClient, "$queryRaw">;

export async function favouriteCategory(
  db: Db,
  shop: string,
  customerId: bigint | null,
): Promise<string | null> {
  const rows = await db.$queryRaw<{ category: string }[]>`
    SELECT trim(p."productType") AS category
    FROM (
      SELECT "shop", "lineItems" FROM "Order"
      WHERE "shop" = ${shop} AND (${customerId}::bigint IS NULL OR "customerId" = ${customerId}::bigint)
        AND "cancelledAt" IS NULL AND NOT "test"
      ORDER BY "processedAt" DESC NULLS LAST
      LIMIT ${RECENT_ORDERS}
    ) o
    CROSS JOIN LATERAL jsonb_array_elements(o."lineItems") AS l
    JOIN "Product" p ON p."shop" = o."shop" AND p."id"::text = l->>'productId'
    WHERE COALESCE(trim(p."productType"), '') <> ''
    GROUP BY 1
    ORDER BY sum(COALESCE((l->>'quantity')::int, 1)) DESC, 1
    LIMIT 1`;
  return rows[0]?.category ?? null;
}
