import type { PrismaClient } from "~/db.server";
import { readSummary, summaryRequest, type ChatJson, type ThemeCount } from "./openai";
import { countThemes } from "./score";

// The OpenAI summary of a shop's recent reviews (computed by the sentiment job, stored on its
// run; the page never calls OpenAI): the themes of the negative ones counted here from the
// themes OpenAI gave each review, and a few sentences written by the model from the most
// recent reviews, the negative ones first.

export const SUMMARY_DAYS = 90;
/** Recent reviews whose themes are counted. */
const RECENT = 200;
/** Reviews quoted to the model (negative first): enough for a fair picture, a small prompt. */
const QUOTED = 60;

export interface RecentSummary {
  text: string | null;
  negativeThemes: ThemeCount[];
  /** The reviews of the last SUMMARY_DAYS days considered (at most RECENT). */
  reviews: number;
  error: string | null;
}

export async function summariseRecentReviews(
  db: PrismaClient,
  shop: string,
  chat: ChatJson,
  now: Date,
): Promise<RecentSummary> {
  const recent = await db.productReview.findMany({
    where: {
      shop,
      redactedAt: null,
      sentiment: { not: null },
      reviewedAt: { gte: new Date(now.getTime() - SUMMARY_DAYS * 86_400_000), lte: now },
    },
    orderBy: { reviewedAt: "desc" },
    take: RECENT,
    select: {
      productId: true,
      rating: true,
      title: true,
      body: true,
      sentiment: true,
      sentimentThemes: true,
    },
  });
  if (recent.length === 0) return { text: null, negativeThemes: [], reviews: 0, error: null };
  const scored = recent.map((r) => ({ ...r, sentiment: r.sentiment ?? 0, themes: r.sentimentThemes }));
  const negativeThemes = countThemes(scored);
  const productIds = [...new Set(recent.flatMap((r) => (r.productId === null ? [] : [r.productId])))];
  const titles = new Map(
    (
      await db.product.findMany({
        where: { shop, id: { in: productIds } },
        select: { id: true, title: true },
      })
    ).map((p) => [String(p.id), p.title]),
  );
  const quoted = [...scored]
    .sort((a, b) => Number(b.sentiment <= -0.05) - Number(a.sentiment <= -0.05))
    .slice(0, QUOTED)
    .map((r) => ({
      product: r.productId === null ? null : (titles.get(String(r.productId)) ?? null),
      rating: r.rating,
      sentiment: r.sentiment,
      title: r.title,
      body: r.body,
    }));
  try {
    const text = readSummary(await chat(summaryRequest(quoted, negativeThemes)));
    return {
      text,
      negativeThemes,
      reviews: recent.length,
      error: text ? null : "The model wrote an empty summary.",
    };
  } catch (error) {
    return {
      text: null,
      negativeThemes,
      reviews: recent.length,
      error: error instanceof Error ? error.message : "OpenAI could not be reached.",
    };
  }
}
