import type { PrismaClient } from "~/db.server";

// Review sentiment per customer, for the churn model's features (app/intelligence/churn):
// aggregated in SQL over the customer's matched, unredacted reviews written before `asOf`.

export interface CustomerSentiment {
  /** Mean compound sentiment in [-1, 1] of the scored reviews; null when none is scored yet. */
  meanSentiment: number | null;
  /** Reviews written before `asOf` (scored or not). */
  reviews: number;
  /** Of them, scored. */
  scoredReviews: number;
  lastReviewAt: Date;
  /** The lowest star rating given, 1–5. */
  minRating: number;
}

/**
 * Every reviewing customer of `shop` → their review sentiment as of `asOf` (default: now),
 * keyed by the customer id as a decimal string. Customers without a review are absent.
 */
export async function customerSentiment(
  db: PrismaClient,
  shop: string,
  asOf: Date = new Date(),
): Promise<Map<string, CustomerSentiment>> {
  const rows = await db.$queryRaw<
    {
      customerId: bigint;
      mean: number | null;
      reviews: number;
      scored: number;
      last: Date;
      minRating: number;
    }[]
  >`
    SELECT "customerId", avg("sentiment")::float8 AS mean, count(*)::int AS reviews,
           count("sentiment")::int AS scored, max("reviewedAt") AS last, min("rating")::int AS "minRating"
    FROM "ProductReview"
    WHERE "shop" = ${shop} AND "customerId" IS NOT NULL AND "redactedAt" IS NULL AND "reviewedAt" < ${asOf}
    GROUP BY "customerId"`;
  return new Map(
    rows.map((r) => [
      String(r.customerId),
      {
        meanSentiment: r.mean,
        reviews: r.reviews,
        scoredReviews: r.scored,
        lastReviewAt: r.last,
        minRating: r.minRating,
      },
    ]),
  );
}

/**
 * Each reviewing customer's scored reviews (time and sentiment, oldest first), for features
 * taken at several cutoffs (the churn model's time split) from one query.
 */
export async function customerReviewSentiments(
  db: PrismaClient,
  shop: string,
): Promise<Map<string, { at: Date; sentiment: number; rating: number }[]>> {
  const rows = await db.productReview.findMany({
    where: { shop, customerId: { not: null }, redactedAt: null, sentiment: { not: null } },
    orderBy: { reviewedAt: "asc" },
    select: { customerId: true, reviewedAt: true, sentiment: true, rating: true },
  });
  const out = new Map<string, { at: Date; sentiment: number; rating: number }[]>();
  for (const r of rows) {
    const key = String(r.customerId);
    const list = out.get(key) ?? [];
    list.push({ at: r.reviewedAt, sentiment: r.sentiment!, rating: r.rating });
    out.set(key, list);
  }
  return out;
}
