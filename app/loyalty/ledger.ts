/** Where an entry's points sit: pending through the return window, available to spend afterwards. */
export type Bucket = "available" | "pending";

export type LedgerKind =
  | "earn" // order points (pending or available)
  | "bonus" // signup, birthday, first order, campaign
  | "release" // moves a pending lot to available: pending −points, available +points
  | "redeem" // spent on a reward
  | "redemptionReturn" // a redemption's points given back (Shopify failed, or the code expired unused)
  | "refundReversal"
  | "cancellationReversal"
  | "expiry"
  | "adjustment" // manual, by staff with a reason
  | "correction" // an order's earn redone under the tier it was placed in (app/loyalty/placement.ts)
  | "migration"; // brings a member's balance to what another loyalty app's export says (app/migration)

export interface LedgerEntry {
  key: string;
  kind: LedgerKind;
  /** Signed whole points as they move `bucket`: credits positive, debits negative; a release is positive. */
  points: number;
  bucket: Bucket;
  occurredAt: Date;
  /** For pending credits: when the lot may be released. */
  availableAt?: Date | null;
  /** The earn or bonus entry a release or reversal acts on. */
  lotKey?: string | null;
  /** On a reversal under the clamp-at-zero policy: points forgiven rather than debited (positive). */
  writtenOff?: number | null;
  programVersion: number;
  /** Keys of the experiment variants whose overrides shaped the program it was written under. */
  experimentVariants?: string[] | null;
  staffId?: string | null;
  reason?: string | null;
}

export interface Balances {
  available: number;
  pending: number;
  /** Net of reversals: what tiers on a points basis count. */
  lifetimeEarned: number;
  /** Net of returned redemptions. */
  redeemed: number;
  expired: number;
  /** Keys that appeared with different contents: a bug upstream, surfaced rather than guessed around. */
  conflicts: string[];
}

/**
 * Kinds that make up lifetime points, net of reversals and corrections (what
 * `balancesFromLedger` counts as `lifetimeEarned`): what tiers on a points basis count.
 */
export const QUALIFYING_KINDS: readonly LedgerKind[] = [
  "earn",
  "bonus",
  "refundReversal",
  "cancellationReversal",
  "adjustment",
  "correction",
];

type EntryProblem = "notWholePoints" | "wrongSign" | "wrongBucket" | "missingLot" | "missingStaffOrReason";

const CREDITS: readonly LedgerKind[] = ["earn", "bonus", "release", "redemptionReturn"];
const DEBITS: readonly LedgerKind[] = ["redeem", "refundReversal", "cancellationReversal", "expiry"];

/** Checks an entry before it is written; null when it is well formed. */
export function entryProblem(entry: LedgerEntry): EntryProblem | null {
  if (!Number.isSafeInteger(entry.points)) return "notWholePoints";
  if (CREDITS.includes(entry.kind) && entry.points < 0) return "wrongSign";
  if (DEBITS.includes(entry.kind) && entry.points > 0) return "wrongSign";
  const availableOnly: readonly LedgerKind[] = [
    "release",
    "redeem",
    "redemptionReturn",
    "expiry",
    "adjustment",
    "migration",
  ];
  if (availableOnly.includes(entry.kind) && entry.bucket !== "available") return "wrongBucket";
  if (
    (entry.kind === "release" ||
      entry.kind === "refundReversal" ||
      entry.kind === "cancellationReversal" ||
      entry.kind === "correction") &&
    !entry.lotKey
  )
    return "missingLot";
  if (entry.kind === "adjustment" && (!entry.staffId || !entry.reason?.trim())) return "missingStaffOrReason";
  return null;
}

function sameEffect(a: LedgerEntry, b: LedgerEntry): boolean {
  return (
    a.kind === b.kind &&
    a.points === b.points &&
    a.bucket === b.bucket &&
    a.occurredAt.getTime() === b.occurredAt.getTime()
  );
}

/** One entry per key, deterministic whatever the input order: on a conflict the copy that sorts first by effect wins. */
export function dedupeEntries(entries: readonly LedgerEntry[]): {
  entries: LedgerEntry[];
  conflicts: string[];
} {
  const byKey = new Map<string, LedgerEntry>();
  const conflicts = new Set<string>();
  for (const entry of entries) {
    const seen = byKey.get(entry.key);
    if (!seen) byKey.set(entry.key, entry);
    else if (!sameEffect(seen, entry)) {
      conflicts.add(entry.key);
      const tie =
        entry.occurredAt.getTime() - seen.occurredAt.getTime() ||
        entry.points - seen.points ||
        entry.kind.localeCompare(seen.kind) ||
        entry.bucket.localeCompare(seen.bucket);
      if (tie < 0) byKey.set(entry.key, entry);
    }
  }
  return { entries: [...byKey.values()], conflicts: [...conflicts].sort() };
}

/** Balances as of `now` (entries after it are ignored): the cache a rebuild recomputes and verifies. */
export function balancesFromLedger(entries: readonly LedgerEntry[], now: Date): Balances {
  const { entries: unique, conflicts } = dedupeEntries(entries);
  const b: Balances = { available: 0, pending: 0, lifetimeEarned: 0, redeemed: 0, expired: 0, conflicts };
  for (const e of unique) {
    if (e.occurredAt.getTime() > now.getTime()) continue;
    if (e.kind === "release") {
      b.pending -= e.points;
      b.available += e.points;
      continue;
    }
    b[e.bucket] += e.points;
    if (e.kind === "redeem" || e.kind === "redemptionReturn") b.redeemed -= e.points;
    else if (e.kind === "expiry") b.expired -= e.points;
    // A migrated balance was earned in another app: the member's migrated lifetime records that.
    else if (e.kind !== "migration") b.lifetimeEarned += e.points;
  }
  return b;
}
