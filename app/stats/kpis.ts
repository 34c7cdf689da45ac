import type { Program } from "~/loyalty/program";

// Pure figures for the dashboard's loyalty KPIs, from the prepared aggregates.

/** The period the dashboard's loyalty figures and chart cover. */
export const KPI_DAYS = 90;

export interface DailyStats {
  day: string; // YYYY-MM-DD in the shop's zone
  pointsIssued: number;
  pointsRedeemed: number;
  pointsExpired: number;
  pointsReversed: number;
  redemptions: number;
  newMembers: number;
}

export type PointValue =
  | { basis: "reward"; rewardName: string; minorPerPoint: number }
  | { basis: "none"; reason: "noFixedAmountReward" };

/**
 * What one point is worth in money: the best active fixed-amount reward's value per point
 * (the most a member can get for their points in cash terms). Percentage, free-shipping
 * and free-product rewards depend on the basket, so they do not set a value.
 */
export function pointValue(program: Pick<Program, "rewards">): PointValue {
  let best: PointValue = { basis: "none", reason: "noFixedAmountReward" };
  for (const reward of program.rewards) {
    if (!reward.active || reward.value.kind !== "fixedAmount") continue;
    const minorPerPoint = reward.value.amount.amountMinor / reward.pointsCost;
    if (best.basis === "none" || minorPerPoint > best.minorPerPoint)
      best = { basis: "reward", rewardName: reward.name, minorPerPoint };
  }
  return best;
}

/** Outstanding points in money, minor units rounded to the nearest unit; null without a point value. */
export function liabilityMinor(outstandingPoints: number, value: PointValue): number | null {
  return value.basis === "reward" ? Math.round(outstandingPoints * value.minorPerPoint) : null;
}

/** Points redeemed per point issued over the period; null when nothing was issued. */
export function redemptionRate(days: readonly DailyStats[]): number | null {
  const issued = days.reduce((sum, d) => sum + d.pointsIssued, 0);
  const redeemed = days.reduce((sum, d) => sum + d.pointsRedeemed, 0);
  return issued > 0 ? redeemed / issued : null;
}

/** Every day from `from` to `to` inclusive, with zeros where the aggregates have no row. */
export function fillDays(rows: readonly DailyStats[], from: string, to: string): DailyStats[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: DailyStats[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(
      byDay.get(day) ?? {
        day,
        pointsIssued: 0,
        pointsRedeemed: 0,
        pointsExpired: 0,
        pointsReversed: 0,
        redemptions: 0,
        newMembers: 0,
      },
    );
  }
  return out;
}

/** The calendar day of `now` in `timeZone` (UTC when the zone is unknown), as YYYY-MM-DD. */
export function localDay(now: Date, timeZone: string | null | undefined): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: timeZone ?? "UTC" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
