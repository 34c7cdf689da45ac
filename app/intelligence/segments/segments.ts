// Named RFM segments from the recency score and the combined frequency–monetary score, on
// the standard R × F grid (see README: every cell maps to exactly one segment).

import type { RfmScores, Score } from "./rfm";

export const SEGMENTS = [
  "champions",
  "loyal",
  "potential_loyalists",
  "new",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cant_lose",
  "hibernating",
  "lost",
] as const;

export type Segment = (typeof SEGMENTS)[number];

export const SEGMENT_LABELS: Record<Segment, string> = {
  champions: "Champions",
  loyal: "Loyal",
  potential_loyalists: "Potential loyalists",
  new: "New",
  promising: "Promising",
  need_attention: "Need attention",
  about_to_sleep: "About to sleep",
  at_risk: "At risk",
  cant_lose: "Can't lose",
  hibernating: "Hibernating",
  lost: "Lost",
};

/** Frequency and monetary together: their mean, halves rounded up. */
export function fmScore(scores: RfmScores): Score {
  return Math.floor((scores.frequency + scores.monetary + 1) / 2) as Score;
}

export function segmentOf(scores: RfmScores): Segment {
  const r = scores.recency;
  const fm = fmScore(scores);
  if (r <= 2) {
    if (fm === 5) return "cant_lose";
    if (fm >= 3) return "at_risk";
    return r === 1 && fm === 1 ? "lost" : "hibernating";
  }
  if (r === 3) {
    if (fm >= 4) return "loyal";
    return fm === 3 ? "need_attention" : "about_to_sleep";
  }
  if (fm >= 4) return r === 5 ? "champions" : "loyal";
  if (fm >= 2) return "potential_loyalists";
  return r === 5 ? "new" : "promising";
}
