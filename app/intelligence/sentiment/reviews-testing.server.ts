// A simulator shop's reviews written straight into ProductReview (with their DataImport and
// the reviewed products in the mirror), as the review import would leave them, for the
// sentiment tests and screenshots; the import itself is app/reviews' work.
import type { PrismaClient } from "~/db.server";
import type { GeneratedShop } from "../../../simulator/index";

export async function insertSimulatorReviews(
  db: PrismaClient,
  domain: string,
  shop: Pick<GeneratedShop, "reviews" | "catalog">,
): Promise<{ importId: string; reviews: number }> {
  const run = await db.dataImport.create({
    data: {
      shop: domain,
      kind: "reviews",
      source: "simulator",
      status: "completed",
      rows: shop.reviews.length,
    },
  });
  const reviewed = new Set(shop.reviews.map((r) => r.productId));
  await db.product.createMany({
    data: shop.catalog.products
      .filter((p) => reviewed.has(p.id))
      .map((p) => ({ shop: domain, id: BigInt(p.id), title: p.title, handle: p.handle })),
    skipDuplicates: true,
  });
  for (let i = 0; i < shop.reviews.length; i += 5_000)
    await db.productReview.createMany({
      data: shop.reviews.slice(i, i + 5_000).map((r) => ({
        shop: domain,
        source: "simulator",
        externalId: String(r.id),
        productRef: String(r.productId),
        productId: BigInt(r.productId),
        customerId: BigInt(r.customerId),
        rating: r.rating,
        title: r.title,
        body: r.body,
        reviewedAt: new Date(r.createdAt),
        importId: run.id,
      })),
    });
  return { importId: run.id, reviews: shop.reviews.length };
}
