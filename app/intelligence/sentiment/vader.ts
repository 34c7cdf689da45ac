import { SentimentIntensityAnalyzer } from "vader-sentiment";
import { describeEmoji } from "./emoji";

// The package compares negation words case-sensitively, so a capitalised "Not great" or
// "Never again" (how review titles start) scores as if it were not negated; the Python
// implementation lowercases them first. We lowercase exactly those words before scoring.
const NEGATION =
  /(?<![\p{L}'])(?:aint|arent|cannot|cant|couldnt|darent|didnt|doesnt|dont|hadnt|hasnt|havent|isnt|mightnt|mustnt|neither|neednt|never|none|nope|nor|not|nothing|nowhere|oughtnt|shant|shouldnt|uhuh|uh-uh|wasnt|werent|without|wont|wouldnt|rarely|seldom|despite|(?:ai|are|ca|could|dare|did|does|do|had|has|have|is|might|must|need|ought|sha|should|was|were|wo|would)n't)(?![\p{L}'])/giu;

// The offline scorer: VADER (Hutto & Gilbert 2014) through the vader-sentiment package
// (ADR 0030-sentiment-scorer). A review's title and body are scored as one text, the title
// first as its own sentence, so "Not great" in the title still weighs on the whole.

/** VADER's compound score of `text` in [-1, 1]; 0 for empty text. */
export function vaderCompound(text: string): number {
  const clean = describeEmoji(text.normalize("NFC").replace(/\u2019/g, "'")).replace(NEGATION, (w) =>
    w.toLowerCase(),
  );
  if (clean === "") return 0;
  const { compound } = SentimentIntensityAnalyzer.polarity_scores(clean);
  return Number.isFinite(compound) ? Math.max(-1, Math.min(1, compound)) : 0;
}

/** The text a review is scored on: its title as a sentence, then its body. */
export function reviewText(review: { title?: string | null; body?: string | null }): string {
  const title = (review.title ?? "").trim();
  const body = (review.body ?? "").trim();
  if (!title) return body;
  return /[.!?…]$/.test(title) ? `${title} ${body}`.trim() : `${title}. ${body}`.trim();
}

/** A review's compound sentiment by VADER. */
export function scoreReviewOffline(review: { title?: string | null; body?: string | null }): number {
  return vaderCompound(reviewText(review));
}
