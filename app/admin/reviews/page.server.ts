import type { PrismaClient } from "~/db.server";
import { recomputeFromForm, type Recomputed } from "~/admin/components/recompute.server";
import { env } from "~/env.server";
import { requestSentimentScoring } from "~/intelligence/sentiment/start.server";
import { SUMMARY_DAYS } from "~/intelligence/sentiment/summary.server";
import { fillWeeks, NEGATIVE_AT, weekStart, type WeekRow } from "./present";

// The review-sentiment page's loader and action parts (/app/insights/reviews): what the
// shop's reviews say over time, by rating and by product, the most negative recent ones,
// the OpenAI summary stored by the last run (never computed here), and Recompute. Weeks and
// "recent" are counted back from the newest review, in the shop's time zone.

const WEEKS = 26;
const NEGATIVE_ROWS = 10;
const PRODUCT_ROWS = 25;

/** A zone Postgres and Intl both know, else UTC. */
function zoneOf(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

export async function loadReviewSentimentPage(db: PrismaClient, shop: string) {
  const [shopRow, run, computed] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
    db.sentimentRun.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } }),
    db.sentimentRun.findFirst({ where: { shop, status: "computed" }, orderBy: { createdAt: "desc" } }),
  ]);
  const zone = zoneOf(shopRow?.ianaTimezone);
  const [totals] = await db.$queryRaw<
    {
      reviews: number;
      scored: number;
      mean: number | null;
      negative: number;
      rating: number | null;
      newest: Date | null;
      r: number | null;
      polar: number;
      polarAgreeing: number;
    }[]
  >`
    SELECT count(*)::int AS reviews, count("sentiment")::int AS scored, avg("sentiment")::float8 AS mean,
           count(*) FILTER (WHERE "sentiment" <= ${NEGATIVE_AT})::int AS negative,
           avg("rating")::float8 AS rating, max("reviewedAt") AS newest,
           corr("sentiment", "rating")::float8 AS r,
           count("sentiment") FILTER (WHERE "rating" <> 3)::int AS polar,
           count(*) FILTER (WHERE ("rating" < 3 AND "sentiment" < 0) OR ("rating" > 3 AND "sentiment" > 0))::int
             AS "polarAgreeing"
    FROM "ProductReview" WHERE "shop" = ${shop} AND "redactedAt" IS NULL`;
  const base = {
    timeZone: shopRow?.ianaTimezone ?? null,
    openAiConfigured: Boolean(env().OPENAI_API_KEY),
    run: run && {
      status: run.status,
      stage: run.stage,
      progress: run.progress,
      reason: run.reason,
      createdAt: run.createdAt.toISOString(),
    },
    computed: computed && {
      computedAt: (computed.computedAt ?? computed.createdAt).toISOString(),
      scored: computed.scored,
      scoredOpenai: computed.scoredOpenai,
      fellBack: computed.fellBack,
      summary: computed.summary,
      negativeThemes: (computed.negativeThemes ?? []) as { theme: string; reviews: number }[],
      summaryReviews: computed.summaryReviews,
      summaryError: computed.summaryError,
    },
    totals: {
      reviews: totals?.reviews ?? 0,
      scored: totals?.scored ?? 0,
      meanSentiment: totals?.mean ?? null,
      negative: totals?.negative ?? 0,
      meanRating: totals?.rating ?? null,
    },
    // How well the scores agree with the stars the customers gave: the scorer's evaluation.
    agreement: {
      correlation: totals?.r ?? null,
      polar: totals?.polar ?? 0,
      polarAgreeing: totals?.polarAgreeing ?? 0,
    },
  };
  if (!totals?.newest) return { ...base, weeks: [], ratings: [], negative: [], products: [] };

  const newest = totals.newest;
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: zone });
  const to = day.format(newest);
  // Whole weeks: the newest review's week and the WEEKS − 1 before it.
  const fromWeek = new Date(Date.parse(`${weekStart(to)}T00:00:00Z`) - (WEEKS - 1) * 7 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  // A day of slack either side of the zone's offset; the week filter below is exact.
  const since = new Date(Date.parse(`${fromWeek}T00:00:00Z`) - 86_400_000);
  const recentSince = new Date(newest.getTime() - SUMMARY_DAYS * 86_400_000);
  const [weeks, ratings, negative, products] = await Promise.all([
    db.$queryRaw<WeekRow[]>`
      SELECT to_char(date_trunc('week', "reviewedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${zone}), 'YYYY-MM-DD') AS week,
             count(*)::int AS reviews, avg("sentiment")::float8 AS "meanSentiment"
      FROM "ProductReview"
      WHERE "shop" = ${shop} AND "redactedAt" IS NULL AND "reviewedAt" > ${since}
        AND date_trunc('week', "reviewedAt" AT TIME ZONE 'UTC' AT TIME ZONE ${zone}) >= ${fromWeek}::date
      GROUP BY 1 ORDER BY 1`,
    db.$queryRaw<{ rating: number; reviews: number }[]>`
      SELECT "rating", count(*)::int AS reviews FROM "ProductReview"
      WHERE "shop" = ${shop} AND "redactedAt" IS NULL GROUP BY 1 ORDER BY 1`,
    db.$queryRaw<
      {
        productId: bigint | null;
        productRef: string;
        productTitle: string | null;
        customerId: bigint | null;
        customerName: string | null;
        reviewerName: string | null;
        rating: number;
        title: string | null;
        body: string | null;
        sentiment: number;
        themes: string[];
        reviewedAt: Date;
      }[]
    >`
      SELECT r."productId", r."productRef", p."title" AS "productTitle", r."customerId",
             nullif(trim(concat_ws(' ', c."firstName", c."lastName")), '') AS "customerName",
             r."reviewerName", r."rating", r."title", r."body", r."sentiment",
             r."sentimentThemes" AS themes, r."reviewedAt"
      FROM "ProductReview" r
      LEFT JOIN "Product" p ON p."shop" = r."shop" AND p."id" = r."productId"
      LEFT JOIN "Customer" c ON c."shop" = r."shop" AND c."id" = r."customerId"
      WHERE r."shop" = ${shop} AND r."redactedAt" IS NULL AND r."reviewedAt" > ${recentSince}
        AND r."sentiment" <= ${NEGATIVE_AT}
      ORDER BY r."sentiment", r."reviewedAt" DESC LIMIT ${NEGATIVE_ROWS}`,
    db.$queryRaw<
      {
        productId: bigint | null;
        productRef: string;
        productTitle: string | null;
        reviews: number;
        mean: number | null;
        rating: number;
        negative: number;
      }[]
    >`
      SELECT r."productId", min(r."productRef") AS "productRef", min(p."title") AS "productTitle",
             count(*)::int AS reviews, avg(r."sentiment")::float8 AS mean, avg(r."rating")::float8 AS rating,
             count(*) FILTER (WHERE r."sentiment" <= ${NEGATIVE_AT})::int AS negative
      FROM "ProductReview" r
      LEFT JOIN "Product" p ON p."shop" = r."shop" AND p."id" = r."productId"
      WHERE r."shop" = ${shop} AND r."redactedAt" IS NULL
      GROUP BY r."productId", CASE WHEN r."productId" IS NULL THEN r."productRef" END
      ORDER BY reviews DESC, mean NULLS LAST LIMIT ${PRODUCT_ROWS}`,
  ]);
  return {
    ...base,
    weeks: fillWeeks(weeks, fromWeek, to),
    ratings: [1, 2, 3, 4, 5].map((stars) => ({
      stars,
      reviews: ratings.find((r) => r.rating === stars)?.reviews ?? 0,
    })),
    negative: negative.map((r) => ({
      productId: r.productId?.toString() ?? null,
      product: r.productTitle ?? r.productRef,
      customerId: r.customerId?.toString() ?? null,
      customer:
        r.customerName ??
        r.reviewerName ??
        (r.customerId ? `Customer ${r.customerId}` : "Unmatched reviewer"),
      rating: r.rating,
      title: r.title,
      body: r.body,
      sentiment: r.sentiment,
      themes: r.themes,
      reviewedAt: r.reviewedAt.toISOString(),
    })),
    products: products.map((p) => ({
      productId: p.productId?.toString() ?? null,
      product: p.productTitle ?? p.productRef,
      reviews: p.reviews,
      meanSentiment: p.mean,
      meanRating: p.rating,
      negative: p.negative,
    })),
  };
}

export type ReviewSentimentPage = Awaited<ReturnType<typeof loadReviewSentimentPage>>;

export type RecomputeAnswer = Recomputed<{ runId: string; created: boolean }>;

/** The Recompute button (../components/recompute.server.ts). */
export function recomputeSentimentFromForm(db: PrismaClient, shop: string, form: FormData) {
  return recomputeFromForm(form, shop, "a sentiment run", async () => {
    const { run, created } = await requestSentimentScoring(shop, "merchant", db);
    return { runId: run.id, created };
  });
}
