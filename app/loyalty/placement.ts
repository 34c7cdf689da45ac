import { componentsOf, type BreakdownItem, type EarningComponent, type EarningResult } from "./earning";
import type { LedgerEntry } from "./ledger";
import { bonusMovedKey, earnCorrectionKey, reviewRejectedKey } from "./ledger-keys";
import { lotState, type LotState } from "./ledger-lots";
import type { NegativeBalancePolicy } from "./program";
import { debitUnderPolicy, pointsReversedAt } from "./refunds";

// An order earns with the tier the member held when it was placed (`tierHeldAt`) and the
// first-order bonus belongs to the customer's earliest-placed credited order. Both depend
// on the customer's other orders, which Shopify may deliver in any order. When an earlier
// order (or a refund dated before a later order) arrives after a later order was
// credited, the later order's earn is redone under its true tier with a `correction`
// entry, and the first-order bonus moves to the earlier order. The result is what
// in-order delivery writes, in balance and in what later refunds take back.

/** A ledger entry with the details stored beside it. */
export interface LedgerRow {
  entry: LedgerEntry;
  details: unknown;
}

/** An order's earn as it stands after its corrections: what refunds are measured against. */
export interface EffectiveEarn {
  orderPoints: number;
  components: EarningComponent[];
  /** The tier it was earned under. */
  tierId: string | null;
  /** Refunded amounts already reversed, summed over the order's refunds. */
  refunded: Record<string, number>;
  cancelled: boolean;
  /** Held for review and rejected by staff: nothing is owed on it any more, whatever its tier. */
  rejected: boolean;
  /** `orderPoints` less what is left of the lot: `refundReversal`'s `alreadyReversed`. */
  alreadyReversed: number;
  /** The earn lot itself (corrections included): the bucket the next reversal debits. */
  lot: LotState;
}

// A type, not an interface: stored as a plain JSON record.
type EarnDetails = {
  /** Written before the breakdown alone was stored (it repeats the breakdown's amounts). */
  components?: EarningComponent[];
  breakdown?: BreakdownItem[];
  tierId?: string | null;
  orderPoints?: number;
};

const asDetails = (details: unknown): EarnDetails =>
  details && typeof details === "object" ? (details as EarnDetails) : {};

/** The tier recorded on an earn or correction; entries from before it was recorded name it in the breakdown only. */
function recordedTier(details: EarnDetails): string | null {
  if (details.tierId !== undefined) return details.tierId;
  const item = details.breakdown?.find((b) => b.kind === "tierMultiplier");
  return item?.kind === "tierMultiplier" ? item.tierId : null;
}

export function effectiveEarn(rows: readonly LedgerRow[], lotKey: string): EffectiveEarn | null {
  const earn = rows.find((r) => r.entry.key === lotKey);
  if (!earn) return null;
  let latest = asDetails(earn.details);
  let orderPoints = earn.entry.points;
  const refunded: Record<string, number> = {};
  let cancelled = false;
  let rejected = false;
  for (const { entry, details } of rows) {
    if (entry.lotKey !== lotKey) continue;
    if (entry.key === reviewRejectedKey(lotKey)) rejected = true;
    else if (entry.kind === "correction") {
      latest = asDetails(details);
      orderPoints = latest.orderPoints ?? orderPoints;
    } else if (entry.kind === "refundReversal") {
      const amounts = (asDetails(details) as { refunded?: Record<string, number> }).refunded ?? {};
      for (const [k, v] of Object.entries(amounts)) refunded[k] = (refunded[k] ?? 0) + v;
    } else if (entry.kind === "cancellationReversal") cancelled = true;
  }
  const lot = lotState(
    rows.map((r) => r.entry),
    lotKey,
  );
  return {
    orderPoints,
    components: latest.components ?? componentsOf(latest.breakdown ?? []),
    tierId: recordedTier(latest),
    refunded,
    cancelled,
    rejected,
    alreadyReversed: orderPoints - (lot.credited - lot.reversed),
    lot,
  };
}

export interface CorrectionInput {
  /** The order's entries (its earn, reversals and corrections) with their details. */
  rows: readonly LedgerRow[];
  lotKey: string;
  /** `pointsForOrder` again, under the tier the order was placed in and the program version it earned under. */
  recomputed: EarningResult;
  tierId: string | null;
  available: number;
  policy: NegativeBalancePolicy;
}

/**
 * The correction that brings an order's lot to what it would hold had the order earned
 * `recomputed` from the start and then been through the same refunds and cancellation;
 * null when the order already earned under that tier, or the tier changes nothing.
 */
export function earnCorrection(input: CorrectionInput): (LedgerEntry & { details: EarnDetails }) | null {
  const { rows, lotKey, recomputed } = input;
  const earned = effectiveEarn(rows, lotKey);
  const earn = rows.find((r) => r.entry.key === lotKey)?.entry;
  if (!earned || !earn || earned.rejected || earned.tierId === input.tierId) return null;
  const { lot } = earned;
  const target = earned.cancelled
    ? 0
    : recomputed.orderPoints -
      pointsReversedAt(
        { orderPoints: recomputed.orderPoints, components: recomputed.components },
        earned.refunded,
      );
  const delta = target - (lot.credited - lot.reversed);
  // Another tier with the same multiplier: every component scales alike, so nothing changes.
  if (delta === 0 && recomputed.orderPoints === earned.orderPoints) return null;
  const { debit, writtenOff } =
    delta < 0
      ? debitUnderPolicy(-delta, lot.reversalBucket, input.available, input.policy)
      : { debit: -delta, writtenOff: 0 };
  const corrections = rows.filter((r) => r.entry.kind === "correction" && r.entry.lotKey === lotKey).length;
  return {
    key: earnCorrectionKey(lotKey, corrections + 1),
    kind: "correction",
    points: -debit || 0,
    bucket: lot.reversalBucket,
    lotKey,
    writtenOff: writtenOff || null,
    occurredAt: earn.occurredAt,
    programVersion: earn.programVersion,
    details: { tierId: input.tierId, orderPoints: recomputed.orderPoints, breakdown: recomputed.breakdown },
  };
}

/** The first-order bonus entry standing now (not moved away), among a customer's entries. */
export function firstOrderHolder<T extends { entry: LedgerEntry }>(
  rows: readonly T[],
  firstOrderKey: string,
): T | null {
  const own = rows.filter((r) => r.entry.key.startsWith(firstOrderKey));
  return (
    own.find(
      (r) => r.entry.kind === "bonus" && !own.some((m) => m.entry.key === bonusMovedKey(r.entry.key)),
    ) ?? null
  );
}

/**
 * Moving the first-order bonus off the order that holds it: a correction taking back what
 * is left of that bonus lot (nothing when a refund or cancellation already took it).
 */
export function bonusMoveOut(
  holderRows: readonly LedgerRow[],
  holderKey: string,
  available: number,
  policy: NegativeBalancePolicy,
): LedgerEntry {
  const holder = holderRows.find((r) => r.entry.key === holderKey)!.entry;
  const lot = lotState(
    holderRows.map((r) => r.entry),
    holderKey,
  );
  const { debit, writtenOff } = debitUnderPolicy(
    Math.max(0, lot.credited - lot.reversed),
    lot.reversalBucket,
    available,
    policy,
  );
  return {
    key: bonusMovedKey(holderKey),
    kind: "correction",
    points: -debit || 0,
    bucket: lot.reversalBucket,
    lotKey: holderKey,
    writtenOff: writtenOff || null,
    occurredAt: holder.occurredAt,
    programVersion: holder.programVersion,
  };
}
