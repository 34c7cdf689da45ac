// Formatting for the review-sentiment page, shared by loader and components (pure).

/** VADER's conventional cut-offs: ≥ 0.05 positive, ≤ −0.05 negative, neutral between. */
export const NEGATIVE_AT = -0.05;
export const POSITIVE_AT = 0.05;

export function sentimentLabel(score: number | null): {
  label: string;
  tone: "success" | "critical" | undefined;
} {
  if (score === null) return { label: "Not scored", tone: undefined };
  if (score >= POSITIVE_AT) return { label: "Positive", tone: "success" };
  if (score <= NEGATIVE_AT) return { label: "Negative", tone: "critical" };
  return { label: "Neutral", tone: undefined };
}

/** A compound score with its sign: "+0.62", "−0.40", "0.00"; "—" when absent. */
export function formatScore(score: number | null): string {
  if (score === null || !Number.isFinite(score)) return "—";
  const text = Math.abs(score).toFixed(2);
  if (text === "0.00") return "0.00";
  return score > 0 ? `+${text}` : `−${text}`;
}

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of the Monday starting the week of calendar day `day` (YYYY-MM-DD). */
export function weekStart(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  return new Date(t - weekday * DAY_MS).toISOString().slice(0, 10);
}

export interface WeekRow {
  week: string;
  reviews: number;
  meanSentiment: number | null;
}

/** `rows` (weeks as YYYY-MM-DD Mondays) over every week from `from` to `to`, empty weeks with 0 reviews. */
export function fillWeeks(rows: readonly WeekRow[], from: string, to: string): WeekRow[] {
  const byWeek = new Map(rows.map((r) => [r.week, r]));
  const out: WeekRow[] = [];
  for (
    let t = Date.parse(`${weekStart(from)}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`);
    t += 7 * DAY_MS
  ) {
    const week = new Date(t).toISOString().slice(0, 10);
    out.push(byWeek.get(week) ?? { week, reviews: 0, meanSentiment: null });
  }
  return out;
}
