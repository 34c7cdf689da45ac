// The dashboard's comparison periods: the last N calendar days in the shop's zone (today
// included) against the N days before them.

export const PERIOD_DAYS = [30, 90, 365] as const;
export type PeriodDays = (typeof PERIOD_DAYS)[number];
export const DEFAULT_PERIOD: PeriodDays = 30;

/** The `?period=` of the dashboard's URL; anything else is the default. */
export function parsePeriod(raw: string | null | undefined): PeriodDays {
  const n = Number(raw);
  return (PERIOD_DAYS as readonly number[]).includes(n) ? (n as PeriodDays) : DEFAULT_PERIOD;
}

export interface Period {
  days: PeriodDays;
  /** First day of the current period, YYYY-MM-DD in the shop's zone. */
  from: string;
  /** Today in the shop's zone (the current period's last day). */
  to: string;
  /** First day of the previous period. */
  previousFrom: string;
  /** Last day of the previous period. */
  previousTo: string;
}

export function periodEnding(today: string, days: PeriodDays): Period {
  return {
    days,
    from: addDays(today, -(days - 1)),
    to: today,
    previousFrom: addDays(today, -(2 * days - 1)),
    previousTo: addDays(today, -days),
  };
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** A ratio, or null when its denominator is zero (a share of nothing is not 0%). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

export type Change =
  | { kind: "relative"; value: number } // +0.12 = 12% more than before
  | { kind: "points"; value: number } // +0.03 = 3 percentage points more
  | { kind: "none" };

/** A money or count figure against the previous period's, as a relative change. */
export function relativeChange(current: number | null, previous: number | null): Change {
  if (current === null || previous === null || previous === 0) return { kind: "none" };
  return { kind: "relative", value: (current - previous) / Math.abs(previous) };
}

/** A rate against the previous period's, in percentage points. */
export function pointsChange(current: number | null, previous: number | null): Change {
  if (current === null || previous === null) return { kind: "none" };
  return { kind: "points", value: current - previous };
}
