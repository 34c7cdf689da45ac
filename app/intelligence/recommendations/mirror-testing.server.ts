// A simulator shop in the mirror with what recommendations read: the lifetime-value helper's
// Shop, Customer and Order rows, plus the catalogue's products (with their descriptions, as
// ingest now stores them) and each order's line items' product ids.
import type { PrismaClient } from "~/db.server";
import type { GeneratedShop } from "../../../simulator/index";
import { mirrorSimulatorShop } from "../clv/mirror-testing.server";

export async function mirrorSimulatorShopWithProducts(
  db: PrismaClient,
  domain: string,
  input: { seed: number; customers: number; historyMonths?: number },
): Promise<{ shop: GeneratedShop; end: Date }> {
  const mirrored = await mirrorSimulatorShop(db, domain, input);
  const { shop } = mirrored;
  await db.product.createMany({
    data: shop.catalog.products.map((p) => ({
      shop: domain,
      id: BigInt(p.id),
      title: p.title,
      description: p.description,
      productType: p.productType,
      vendor: p.vendor,
      tags: p.tags,
      status: "active",
    })),
  });
  const lines = shop.orders.map((o) => ({
    id: String(o.id),
    lineItems: o.lineItems.map((l, i) => ({
      legacyId: `${o.id}${i}`,
      productId: l.productId == null ? null : String(l.productId),
      variantId: l.variantId == null ? null : String(l.variantId),
      quantity: l.quantity,
    })),
  }));
  for (let i = 0; i < lines.length; i += 5_000)
    await db.$executeRawUnsafe(
      `UPDATE "Order" o SET "lineItems" = t."lineItems"
       FROM json_to_recordset($2::json) AS t("id" bigint, "lineItems" jsonb)
       WHERE o."shop" = $1 AND o."id" = t."id"`,
      domain,
      JSON.stringify(lines.slice(i, i + 5_000)),
    );
  return mirrored;
}
