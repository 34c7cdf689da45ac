import type { PrismaClient } from "~/db.server";
import { requestSentimentScoring } from "~/intelligence/sentiment/start.server";

// The end of every import that stored new reviews (store.server.ts, finishImport): their
// sentiment is scored next (app/intelligence/sentiment), by one run per shop on the
// analytics queue — an import arriving while a run is queued joins that run.
export async function afterReviewsImported(
  db: PrismaClient,
  shop: string,
  importId: string,
  now: Date = new Date(),
): Promise<{ unscored: number; sentimentRunId: string | null }> {
  const unscored = await db.productReview.count({ where: { shop, importId, sentiment: null } });
  if (unscored === 0) return { unscored, sentimentRunId: null };
  const { run } = await requestSentimentScoring(shop, "import", db, now);
  return { unscored, sentimentRunId: run.id };
}
