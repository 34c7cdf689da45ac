// Behavioural features per member, from per-member aggregates the service sums in SQL.
// Plain numbers only: money in integer minor units of the shop's currency, times as epoch ms.

const DAY_MS = 86_400_000;

/** What SQL aggregates per member (orders net of cancellations; refunds summed separately). */
export type MemberAggregate = {
  customerId: string;
  /** When the member joined the program (or the customer was created), epoch ms. */
  joinedAt: number;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  orderCount: number;
  grossMinor: number;
  refundedMinor: number;
  pointsBalance: number;
};

export type MemberFeatures = {
  customerId: string;
  /** Whole days since the last order; null for a member who never ordered. */
  recencyDays: number | null;
  frequency: number;
  /** Spend net of refunds, never below zero. */
  monetaryMinor: number;
  tenureDays: number;
  /** Net spend per order; 0 without orders. */
  aovMinor: number;
  pointsBalance: number;
};

function wholeDays(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor((toMs - fromMs) / DAY_MS));
}

export function memberFeatures(row: MemberAggregate, asOf: number): MemberFeatures {
  const monetaryMinor = Math.max(0, row.grossMinor - row.refundedMinor);
  const since = row.firstOrderAt === null ? row.joinedAt : Math.min(row.joinedAt, row.firstOrderAt);
  return {
    customerId: row.customerId,
    recencyDays: row.lastOrderAt === null ? null : wholeDays(row.lastOrderAt, asOf),
    frequency: row.orderCount,
    monetaryMinor,
    tenureDays: wholeDays(since, asOf),
    aovMinor: row.orderCount > 0 ? Math.round(monetaryMinor / row.orderCount) : 0,
    pointsBalance: row.pointsBalance,
  };
}
