import { z } from "zod";

// What we ask OpenAI for and how we read its answers (the call itself goes through
// app/openai.server.ts, passed in as a ChatJson): a batch of reviews scored in one chat completion with a strict JSON
// schema (a score in [-1, 1] and up to three themes per review), and a short summary of a
// shop's recent reviews. Answers are validated here; anything missing or malformed falls
// back to VADER for that review.

/**
 * One structured chat completion: the reply parsed by `schema`, or a thrown error. The shape
 * of app/openai.server.ts's `OpenAiClient.json`, so the service passes that straight in.
 */
export type ChatJson = <T>(request: {
  name: string;
  schema: z.ZodType<T>;
  system: string;
  user: string;
  maxTokens?: number;
}) => Promise<T>;

export interface ReviewForModel {
  id: string;
  rating: number;
  title: string | null;
  body: string | null;
}

export interface ModelScore {
  score: number;
  themes: string[];
}

/** Reviews per chat completion: small enough for one reply, large enough to be cheap. */
export const OPENAI_BATCH = 20;
const MAX_TEXT = 1_500;

const SCORE_SYSTEM = [
  "You score product reviews for a shop's owner.",
  "For each review give `score`, its sentiment from -1 (very negative) to 1 (very positive), 0 neutral,",
  "judged from the words (the star rating is context, not the answer),",
  "and `themes`: at most 3 short lowercase noun phrases naming what the review is about",
  '(e.g. "sizing", "late delivery", "fabric quality"), empty when there is nothing specific.',
  "Answer for every review id given, in the JSON schema.",
].join(" ");

// Ranges are checked when reading (readScores), not in the schema: one score out of range
// should cost that review, not the whole batch.
export const scoreReply = z.object({
  reviews: z.array(z.object({ id: z.string(), score: z.number(), themes: z.array(z.string()) })),
});

const clip = (text: string | null) => (text ?? "").slice(0, MAX_TEXT);

export function scoreRequest(reviews: readonly ReviewForModel[]) {
  const user = JSON.stringify(
    reviews.map((r) => ({ id: r.id, stars: r.rating, title: clip(r.title), body: clip(r.body) })),
  );
  return { name: "review_sentiment", schema: scoreReply, system: SCORE_SYSTEM, user, maxTokens: 2_000 };
}

/** The valid scores of a reply, by review id; ids not asked for, duplicates and bad scores are left out. */
export function readScores(reply: unknown, ids: readonly string[]): Map<string, ModelScore> {
  const parsed = scoreReply.safeParse(reply);
  const out = new Map<string, ModelScore>();
  if (!parsed.success) return out;
  const asked = new Set(ids);
  for (const r of parsed.data.reviews) {
    if (!asked.has(r.id) || out.has(r.id) || !Number.isFinite(r.score) || Math.abs(r.score) > 1) continue;
    out.set(r.id, { score: r.score, themes: cleanThemes(r.themes) });
  }
  return out;
}

/** At most three distinct, trimmed, lowercase themes of at most 40 characters. */
export function cleanThemes(themes: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of themes) {
    const theme = t.trim().toLowerCase().replace(/\s+/g, " ").slice(0, 40);
    if (theme && !out.includes(theme)) out.push(theme);
    if (out.length === 3) break;
  }
  return out;
}

export interface ThemeCount {
  theme: string;
  reviews: number;
}

const SUMMARY_SYSTEM = [
  "You summarise a shop's recent product reviews for its owner in 2 to 4 plain sentences:",
  "overall mood, what customers praise, and what the negative reviews complain about,",
  "naming products where it helps. No greeting, no bullet points, no invented facts.",
].join(" ");

export const summaryReply = z.object({ summary: z.string() });

export interface ReviewForSummary {
  product: string | null;
  rating: number;
  sentiment: number;
  title: string | null;
  body: string | null;
}

export function summaryRequest(reviews: readonly ReviewForSummary[], negativeThemes: readonly ThemeCount[]) {
  const user = JSON.stringify({
    negativeThemes,
    reviews: reviews.map((r) => ({
      product: r.product,
      stars: r.rating,
      sentiment: Math.round(r.sentiment * 100) / 100,
      title: clip(r.title).slice(0, 200),
      body: clip(r.body).slice(0, 400),
    })),
  });
  return { name: "review_summary", schema: summaryReply, system: SUMMARY_SYSTEM, user, maxTokens: 600 };
}

export function readSummary(reply: unknown): string | null {
  const parsed = summaryReply.safeParse(reply);
  const text = parsed.success ? parsed.data.summary.trim() : "";
  return text ? text.slice(0, 2_000) : null;
}
