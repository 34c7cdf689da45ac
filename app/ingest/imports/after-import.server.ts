import type { PrismaClient } from "~/db.server";

// The end of every import that stored new reviews (store.server.ts, finishImport): where
// their sentiment scoring starts (issue 15 item 7, app/intelligence/sentiment; the lead
// wires its job here). The reviews waiting for a score are this import's with
// `sentiment` null; their number is what the scoring job will be handed.
export async function afterReviewsImported(
  db: Pick<PrismaClient, "productReview">,
  shop: string,
  importId: string,
): Promise<{ unscored: number }> {
  const unscored = await db.productReview.count({ where: { shop, importId, sentiment: null } });
  return { unscored };
}
