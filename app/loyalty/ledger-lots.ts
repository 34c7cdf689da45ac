import { dedupeEntries, type LedgerEntry } from "./ledger";
import { reviewRejectedKey } from "./ledger-keys";

/** A batch of available points with the instant it became spendable: what FIFO expiry consumes. */
export interface AvailableLot {
  lotKey: string;
  availableSince: Date;
  remaining: number;
}

export interface LotState {
  exists: boolean;
  released: boolean;
  /** Points the lot was credited with, corrections included. */
  credited: number;
  /** Points already taken back from it by reversals, including any written off (positive). */
  reversed: number;
  /** Which balance the next reversal of this lot debits. */
  reversalBucket: "pending" | "available";
}

// Bonus lots tied to an order are reversed with the same kinds, pointing at the bonus entry.
const isReversal = (e: LedgerEntry) => e.kind === "refundReversal" || e.kind === "cancellationReversal";

/**
 * A lot is wholly pending until its single release, then wholly available. So a reversal
 * before the release debits pending (the release then moves only what is left), and one
 * after it debits available.
 */
export function lotState(entries: readonly LedgerEntry[], lotKey: string): LotState {
  const { entries: unique } = dedupeEntries(entries);
  const lot = unique.find((e) => e.key === lotKey);
  const released =
    !lot || lot.bucket === "available" || unique.some((e) => e.kind === "release" && e.lotKey === lotKey);
  // Written-off points count as reversed, or a later refund of the same lot would try to take them again.
  const reversed = unique
    .filter((e) => e.lotKey === lotKey && (isReversal(e) || e.kind === "correction"))
    .reduce((sum, e) => sum + (isReversal(e) ? -e.points : 0) + (e.writtenOff ?? 0), 0);
  // A correction moves the lot by its points (placement.ts); what it wrote off counts as reversed.
  const corrected = unique
    .filter((e) => e.lotKey === lotKey && e.kind === "correction")
    .reduce((sum, e) => sum + e.points, 0);
  return {
    exists: Boolean(lot),
    released,
    credited: (lot?.points ?? 0) + corrected,
    reversed,
    reversalBucket: released ? "available" : "pending",
  };
}

/** Pending lots whose return window has passed at `now`, with what is left of each to release. */
export function dueReleases(
  entries: readonly LedgerEntry[],
  now: Date,
): { lotKey: string; points: number }[] {
  const { entries: unique } = dedupeEntries(entries);
  const released = new Set(unique.filter((e) => e.kind === "release").map((e) => e.lotKey));
  const pendingReversals = new Map<string, number>();
  for (const e of unique) {
    if (e.lotKey && e.bucket === "pending" && (isReversal(e) || e.kind === "correction"))
      pendingReversals.set(e.lotKey, (pendingReversals.get(e.lotKey) ?? 0) + e.points);
  }
  return unique
    .filter((e) => e.bucket === "pending" && e.points > 0 && (e.kind === "earn" || e.kind === "bonus"))
    .filter((e) => !released.has(e.key) && e.availableAt && e.availableAt.getTime() <= now.getTime())
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((e) => ({ lotKey: e.key, points: Math.max(0, e.points + (pendingReversals.get(e.key) ?? 0)) }));
}

/**
 * Lots held for review: pending earn and bonus lots with no release date (settle.ts holds
 * an order over the program's sanity bound so), neither released nor rejected, with what
 * is left of each (a lot refunds emptied has nothing left to decide). The scheduled release never touches them; only staff do.
 */
export function heldLots(entries: readonly LedgerEntry[]): { lotKey: string; points: number }[] {
  const { entries: unique } = dedupeEntries(entries);
  const settled = new Set(
    unique
      .filter((e) => e.lotKey && (e.kind === "release" || e.key === reviewRejectedKey(e.lotKey)))
      .map((e) => e.lotKey),
  );
  return unique
    .filter((e) => e.bucket === "pending" && !e.availableAt && (e.kind === "earn" || e.kind === "bonus"))
    .filter((e) => !settled.has(e.key))
    .map((e) => {
      const lot = lotState(unique, e.key);
      return { lotKey: e.key, points: lot.credited - lot.reversed };
    })
    .filter((l) => l.points > 0);
}

function chronological(a: LedgerEntry, b: LedgerEntry): number {
  // At the same instant credits go first, so a redemption written in the same millisecond as a release can use it.
  return (
    a.occurredAt.getTime() - b.occurredAt.getTime() ||
    Math.sign(b.points) - Math.sign(a.points) ||
    a.key.localeCompare(b.key)
  );
}

/**
 * The available balance as FIFO lots at `now`: every debit takes from the oldest points,
 * except a reversal or lot expiry, which takes from its own lot first. A debit larger
 * than all lots leaves a deficit (a negative balance) that later credits repay first.
 */
export function availableLots(
  entries: readonly LedgerEntry[],
  now: Date,
): { lots: AvailableLot[]; deficit: number } {
  const { entries: unique } = dedupeEntries(entries);
  const lots: AvailableLot[] = [];
  let deficit = 0;
  const take = (lot: AvailableLot, wanted: number) => {
    const taken = Math.min(lot.remaining, wanted);
    lot.remaining -= taken;
    return wanted - taken;
  };
  for (const e of unique.filter((x) => x.occurredAt.getTime() <= now.getTime()).sort(chronological)) {
    const movesAvailable = e.kind === "release" || e.bucket === "available";
    if (!movesAvailable || e.points === 0) continue;
    if (e.points > 0) {
      const repaid = Math.min(deficit, e.points);
      deficit -= repaid;
      const lotKey = (e.kind === "release" || e.kind === "correction") && e.lotKey ? e.lotKey : e.key;
      if (e.points > repaid)
        lots.push({ lotKey, availableSince: e.occurredAt, remaining: e.points - repaid });
      continue;
    }
    let wanted = -e.points;
    const own = e.lotKey ? lots.find((l) => l.lotKey === e.lotKey) : undefined;
    if (own) wanted = take(own, wanted);
    for (const lot of lots) if (wanted > 0) wanted = take(lot, wanted);
    deficit += wanted;
  }
  return { lots: lots.filter((l) => l.remaining > 0), deficit };
}
