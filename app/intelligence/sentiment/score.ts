import { OPENAI_BATCH, readScores, scoreRequest, type ChatJson, type ReviewForModel } from "./openai";
import { scoreReviewOffline } from "./vader";

// Scoring a batch of reviews: by OpenAI when a client is given, in chunks of OPENAI_BATCH;
// a chunk whose call fails (error, timeout, malformed reply) or a review missing from the
// reply is scored by VADER instead, so every review gets a score and says who gave it.

export type SentimentSource = "vader" | "openai";

export interface ScoredReview {
  id: string;
  sentiment: number;
  source: SentimentSource;
  themes: string[];
  /** OpenAI was asked and did not answer for this review. */
  fellBack: boolean;
}

const offline = (r: ReviewForModel, fellBack: boolean): ScoredReview => ({
  id: r.id,
  sentiment: scoreReviewOffline(r),
  source: "vader",
  themes: [],
  fellBack,
});

export async function scoreReviews(
  reviews: readonly ReviewForModel[],
  chat: ChatJson | null,
  onError: (error: unknown) => void = () => {},
): Promise<ScoredReview[]> {
  if (!chat) return reviews.map((r) => offline(r, false));
  const out: ScoredReview[] = [];
  for (let i = 0; i < reviews.length; i += OPENAI_BATCH) {
    const chunk = reviews.slice(i, i + OPENAI_BATCH);
    let scores = new Map<string, { score: number; themes: string[] }>();
    try {
      scores = readScores(
        await chat(scoreRequest(chunk)),
        chunk.map((r) => r.id),
      );
    } catch (error) {
      onError(error);
    }
    for (const r of chunk) {
      const s = scores.get(r.id);
      out.push(
        s
          ? { id: r.id, sentiment: s.score, source: "openai", themes: s.themes, fellBack: false }
          : offline(r, true),
      );
    }
  }
  return out;
}

/** The negative reviews' themes, most frequent first (ties alphabetical), at most `limit`. */
export function countThemes(
  reviews: ReadonlyArray<{ sentiment: number; themes: readonly string[] }>,
  limit = 8,
  negativeBelow = -0.05,
): { theme: string; reviews: number }[] {
  const counts = new Map<string, number>();
  for (const r of reviews)
    if (r.sentiment <= negativeBelow)
      for (const t of new Set(r.themes)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts]
    .map(([theme, n]) => ({ theme, reviews: n }))
    .sort((a, b) => b.reviews - a.reviews || a.theme.localeCompare(b.theme))
    .slice(0, limit);
}
