import { addDays } from "./periods";

// The points liability over time, from the prepared daily aggregates: what was
// outstanding at the end of each day is what is outstanding now less every day's net
// change since. Anchored on the snapshot, the series ends on the dashboard's headline.

export interface DailyNet {
  day: string; // YYYY-MM-DD in the shop's zone
  pointsIssued: number;
  pointsRedeemed: number;
  pointsExpired: number;
  pointsReversed: number;
  pointsAdjusted: number;
}

/** A day's change of outstanding points (the aggregates keep debits positive, adjustments signed). */
export function netChange(d: DailyNet): number {
  return d.pointsIssued - d.pointsRedeemed - d.pointsExpired - d.pointsReversed + d.pointsAdjusted;
}

/**
 * Outstanding points at the end of each day from `from` to `to`, given what is
 * outstanding at the end of `to` and the daily rows (missing days changed nothing).
 * Never below zero: a balance the ledger took negative is no liability.
 */
export function outstandingByDay(
  rows: readonly DailyNet[],
  outstandingAtEnd: number,
  from: string,
  to: string,
): Array<{ day: string; points: number }> {
  const net = new Map(rows.map((r) => [r.day, netChange(r)]));
  const out: Array<{ day: string; points: number }> = [];
  let points = outstandingAtEnd;
  for (let day = to; day >= from; day = addDays(day, -1)) {
    out.push({ day, points: Math.max(points, 0) });
    points -= net.get(day) ?? 0;
  }
  return out.reverse();
}

/** Points redeemed per point issued over the days in [from, to]; null when none were issued. */
export function redemptionRateBetween(
  rows: readonly DailyNet[],
  from: string,
  to: string,
): { issued: number; redeemed: number; rate: number | null } {
  let issued = 0;
  let redeemed = 0;
  for (const r of rows) {
    if (r.day < from || r.day > to) continue;
    issued += r.pointsIssued;
    redeemed += r.pointsRedeemed;
  }
  return { issued, redeemed, rate: issued > 0 ? redeemed / issued : null };
}
