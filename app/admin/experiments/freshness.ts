import { formatDateTime } from "~/admin/components/time";

// The sentence that dates a report's stored figures (ADR 0052):
// when they are as of, how often they are recomputed, and whether a refresh is on its way.

export interface FiguresFreshness {
  asOf: string;
  stale: boolean;
  text: string;
}

export function presentFreshness(
  stored: { asOf: Date; stale: boolean },
  everyMinutes: number,
  timeZone: string | null,
): FiguresFreshness {
  const asOf = formatDateTime(stored.asOf, timeZone);
  return {
    asOf,
    stale: stored.stale,
    text: stored.stale
      ? `Figures as of ${asOf}: older than ${everyMinutes} minutes, a refresh is queued.`
      : `Figures as of ${asOf}, recomputed every ${everyMinutes} minutes.`,
  };
}
