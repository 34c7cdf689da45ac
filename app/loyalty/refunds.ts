import type { EarningComponent } from "./earning";
import type { NegativeBalancePolicy } from "./program";
import { snap } from "./rounding";

/** Cumulative refunded minor units per earning component key (`line:<id>`, `shipping`, `tax`). */
export type RefundedAmounts = Readonly<Record<string, number>>;

/** What the order's earn entry recorded: its points and the components they came from. */
export interface EarnedOrder {
  orderPoints: number;
  components: readonly EarningComponent[];
}

export interface RefundReversal {
  /** Points to take back for this refund (positive). */
  points: number;
  /** The cumulative refunded amounts to remember for the next refund. */
  refundedAfter: Record<string, number>;
  /** Every earning component is refunded: the order's bonuses are reversed too. */
  fullyRefunded: boolean;
  reason: "reversed" | "nothingEarned" | "noEarningAmountRefunded" | "alreadyReversed";
}

function fullyRefunded(earned: EarnedOrder, refunded: RefundedAmounts): boolean {
  return earned.components.every((c) => (refunded[c.key] ?? 0) >= c.amountMinor);
}

/**
 * Points reversed once `refunded` has been refunded in total. Each component weighs by the
 * points it earned (a 3× line refunds three times the points of a 1× line of the same
 * price); the result is floored, so partial refunds never take back more than their share,
 * and it is exactly `orderPoints` when everything is refunded. Reversing the difference
 * between two cumulative states makes N partial refunds sum to exactly the points earned.
 */
export function pointsReversedAt(earned: EarnedOrder, refunded: RefundedAmounts): number {
  if (earned.orderPoints <= 0) return 0;
  if (fullyRefunded(earned, refunded)) return earned.orderPoints;
  let total = 0;
  let share = 0;
  for (const c of earned.components) {
    if (c.amountMinor <= 0) continue;
    total += c.exactPoints;
    share += (c.exactPoints * Math.min(Math.max(0, refunded[c.key] ?? 0), c.amountMinor)) / c.amountMinor;
  }
  if (total <= 0) return 0;
  return Math.min(earned.orderPoints, Math.max(0, Math.floor(snap((earned.orderPoints * share) / total))));
}

/**
 * The reversal for one refund, given the refunds already processed. `alreadyReversed` is
 * everything taken back from the order's earn lot by any cause, so a refund that arrives
 * after the cancellation (Shopify sends both, in any order) reverses nothing more.
 */
export function refundReversal(
  earned: EarnedOrder,
  refundedBefore: RefundedAmounts,
  refund: RefundedAmounts,
  alreadyReversed: number,
): RefundReversal {
  const refundedAfter: Record<string, number> = { ...refundedBefore };
  for (const [key, amount] of Object.entries(refund))
    refundedAfter[key] = (refundedAfter[key] ?? 0) + Math.max(0, Math.trunc(amount));
  const isFull = earned.components.length > 0 && fullyRefunded(earned, refundedAfter);
  const base = { refundedAfter, fullyRefunded: isFull };
  if (earned.orderPoints <= 0) return { ...base, points: 0, reason: "nothingEarned" };
  const delta = pointsReversedAt(earned, refundedAfter) - pointsReversedAt(earned, refundedBefore);
  const remaining = Math.max(0, earned.orderPoints - alreadyReversed);
  if (remaining === 0) return { ...base, points: 0, reason: "alreadyReversed" };
  const points = Math.min(Math.max(0, delta), remaining);
  return { ...base, points, reason: points > 0 ? "reversed" : "noEarningAmountRefunded" };
}

/** A cancelled order takes back whatever is left of a lot (the order's points or one of its bonuses). */
export function remainingToReverse(credited: number, alreadyReversed: number): number {
  return Math.max(0, credited - alreadyReversed);
}

/**
 * How much of a reversal is debited. Pending points are still in their lot, so they are
 * always taken. From the available balance, "allow" takes everything (the balance may go
 * below zero after the member spent the points); "clampAtZero" takes what is there and
 * writes the rest off, recorded on the entry so the lot counts it as reversed.
 */
export function debitUnderPolicy(
  points: number,
  bucket: "pending" | "available",
  available: number,
  policy: NegativeBalancePolicy,
): { debit: number; writtenOff: number } {
  const wanted = Math.max(0, Math.trunc(points));
  if (bucket === "pending" || policy === "allow") return { debit: wanted, writtenOff: 0 };
  const debit = Math.min(wanted, Math.max(0, Math.trunc(available)));
  return { debit, writtenOff: wanted - debit };
}
