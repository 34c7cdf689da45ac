import type { StoredPick } from "./page.server";

// Figures of the weekly-picks page as text and chart rows.

const DAY_MS = 86_400_000;
const weekLabel = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

export const units = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

/** A pick's shown weeks (labelled by their first day) and the forecast week after them. */
export function chartWeeks(pick: StoredPick, forecastFrom: string) {
  const start = Date.parse(forecastFrom);
  const n = pick.history.length;
  return [
    ...pick.history.map((sold, i) => ({
      label: weekLabel.format(new Date(start - (n - i) * 7 * DAY_MS)),
      sold,
      forecast: null,
      withBonus: null,
    })),
    {
      label: "Next week",
      sold: null,
      forecast: pick.baselineUnits,
      withBonus: pick.promotedUnits,
    },
  ];
}

/** "WAPE 0.53" with how much below the baseline it is. */
export function versus(model: number, baseline: number | null): string {
  if (baseline === null || baseline <= 0) return "—";
  const change = (model - baseline) / baseline;
  return `${Math.abs(Math.round(change * 100))}% ${change <= 0 ? "lower" : "higher"}`;
}
