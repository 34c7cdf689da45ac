import type { Prisma, PrismaClient } from "~/db.server";
import type { LedgerEntry as LedgerRow, Member } from "~/generated/prisma/client";
import { logger } from "~/logger.server";
import { balancesFromLedger, entryProblem, type Balances, type LedgerEntry } from "../ledger";

// The one way points move: append entries to the ledger for a member whose row the
// caller has locked, in the caller's transaction. The unique (shop, key) index makes
// every cause apply once; the member's balances are updated from exactly the rows that
// were inserted, so the cache and the ledger commit together or not at all.

type Tx = Prisma.TransactionClient;

/** A ledger entry as stored: the pure entry plus what links it to its cause. */
export interface NewLedgerEntry extends LedgerEntry {
  orderId?: bigint | null;
  redemptionId?: string | null;
  details?: Prisma.InputJsonValue | null;
}

export class LedgerEntryError extends Error {
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super(`Ledger entry ${key} is malformed: ${problem}`);
    this.name = "LedgerEntryError";
  }
}

/**
 * Locks the member row for the rest of the transaction (SELECT … FOR UPDATE), so
 * concurrent credits and debits on one member queue up instead of losing an update or
 * spending the same points twice. Null when the customer is not a member.
 */
export async function lockMember(tx: Tx, shop: string, customerId: bigint): Promise<Member | null> {
  const rows = await tx.$queryRaw<{ customerId: bigint }[]>`
    SELECT "customerId" FROM "Member" WHERE "shop" = ${shop} AND "customerId" = ${customerId} FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.member.findUnique({ where: { shop_customerId: { shop, customerId } } });
}

export interface AppendResult {
  /** Entries written now. */
  inserted: NewLedgerEntry[];
  /** Keys already in the ledger: this cause was applied before (a replay). */
  duplicates: string[];
  /** The member's cached balances after the append. */
  member: Member;
}

/**
 * Appends entries for a member the caller has locked with `lockMember`. Entries whose
 * key exists are skipped (idempotent replay); a key that exists with a different effect
 * is logged as a conflict and still skipped: the first write stands.
 */
export async function appendEntries(
  tx: Tx,
  member: Member,
  entries: readonly NewLedgerEntry[],
): Promise<AppendResult> {
  const { shop, customerId } = member;
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem) throw new LedgerEntryError(entry.key, problem);
  }
  if (entries.length === 0) return { inserted: [], duplicates: [], member };

  const written = await tx.ledgerEntry.createManyAndReturn({
    data: entries.map((e) => ({
      shop,
      customerId,
      key: e.key,
      kind: e.kind,
      points: e.points,
      bucket: e.bucket,
      occurredAt: e.occurredAt,
      availableAt: e.availableAt ?? null,
      lotKey: e.lotKey ?? null,
      writtenOff: e.writtenOff ?? null,
      programVersion: e.programVersion,
      experimentVariants: e.experimentVariants?.length ? e.experimentVariants : undefined,
      orderId: e.orderId ?? null,
      redemptionId: e.redemptionId ?? null,
      staffId: e.staffId ?? null,
      reason: e.reason ?? null,
      details: e.details ?? undefined,
    })),
    skipDuplicates: true,
    select: { key: true },
  });
  const insertedKeys = new Set(written.map((w) => w.key));
  const inserted = entries.filter((e) => insertedKeys.has(e.key));
  const duplicates = entries.filter((e) => !insertedKeys.has(e.key)).map((e) => e.key);
  if (duplicates.length) await reportConflicts(tx, shop, entries, duplicates);
  if (inserted.length === 0) return { inserted, duplicates, member };

  const delta = balanceDelta(inserted);
  const updated = await tx.member.update({
    where: { shop_customerId: { shop, customerId } },
    data: {
      availablePoints: { increment: delta.available },
      pendingPoints: { increment: delta.pending },
      lifetimePoints: { increment: delta.lifetimeEarned },
      redeemedPoints: { increment: delta.redeemed },
      expiredPoints: { increment: delta.expired },
      ...(delta.lastActivityAt && (!member.lastActivityAt || delta.lastActivityAt > member.lastActivityAt)
        ? { lastActivityAt: delta.lastActivityAt }
        : {}),
      metafieldsDirty: true,
    },
  });
  return { inserted, duplicates, member: updated };
}

/** What a set of new entries adds to the cached balances: balancesFromLedger over just them. */
function balanceDelta(entries: readonly LedgerEntry[]): Omit<Balances, "conflicts"> & {
  lastActivityAt: Date | null;
} {
  const far = new Date(8.64e15);
  const b = balancesFromLedger(entries, far);
  // Earning and redeeming keep points alive (see expiry.ts); bonuses and adjustments do not.
  const activity = entries
    .filter((e) => e.kind === "earn" || e.kind === "redeem")
    .map((e) => e.occurredAt.getTime());
  return { ...b, lastActivityAt: activity.length ? new Date(Math.max(...activity)) : null };
}

async function reportConflicts(
  tx: Tx,
  shop: string,
  entries: readonly NewLedgerEntry[],
  keys: string[],
): Promise<void> {
  const existing = await tx.ledgerEntry.findMany({
    where: { shop, key: { in: keys } },
    select: { key: true, kind: true, points: true, bucket: true, customerId: true },
  });
  for (const row of existing) {
    const wanted = entries.find((e) => e.key === row.key);
    if (
      wanted &&
      (wanted.kind !== row.kind || wanted.points !== row.points || wanted.bucket !== row.bucket)
    ) {
      logger().warn(
        {
          shop,
          key: row.key,
          stored: { kind: row.kind, points: row.points },
          wanted: { kind: wanted.kind, points: wanted.points },
        },
        "Ledger key replayed with a different effect; the stored entry stands",
      );
    }
  }
}

/** A stored row as the pure rules see it. */
export function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    key: row.key,
    kind: row.kind,
    points: row.points,
    bucket: row.bucket,
    occurredAt: row.occurredAt,
    availableAt: row.availableAt,
    lotKey: row.lotKey,
    writtenOff: row.writtenOff,
    programVersion: row.programVersion,
    experimentVariants: row.experimentVariants ?? [],
    staffId: row.staffId,
    reason: row.reason,
  };
}

/** Every entry of one member, oldest first. */
export async function memberLedger(
  tx: Tx | PrismaClient,
  shop: string,
  customerId: bigint,
): Promise<LedgerEntry[]> {
  const rows = await tx.ledgerEntry.findMany({
    where: { shop, customerId },
    orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
  });
  return rows.map(toLedgerEntry);
}

export interface BalanceDrift {
  customerId: bigint;
  field: "availablePoints" | "pendingPoints" | "lifetimePoints" | "redeemedPoints" | "expiredPoints";
  cached: number;
  ledger: number;
}

/**
 * Recomputes one member's balances from the ledger, returns where the cache differed,
 * and (with `fix`) writes the ledger's figures. The ledger is the truth; the cache is
 * only ever repaired toward it.
 */
export async function rebuildMemberBalances(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  options: { fix: boolean; now?: Date },
): Promise<BalanceDrift[]> {
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, shop, customerId);
    if (!member) return [];
    const b = balancesFromLedger(await memberLedger(tx, shop, customerId), options.now ?? new Date());
    const fields = {
      availablePoints: b.available,
      pendingPoints: b.pending,
      lifetimePoints: b.lifetimeEarned,
      redeemedPoints: b.redeemed,
      expiredPoints: b.expired,
    } as const;
    const drift: BalanceDrift[] = [];
    for (const [field, ledger] of Object.entries(fields) as [BalanceDrift["field"], number][]) {
      if (member[field] !== ledger) drift.push({ customerId, field, cached: member[field], ledger });
    }
    if (drift.length && options.fix) {
      await tx.member.update({
        where: { shop_customerId: { shop, customerId } },
        data: { ...fields, metafieldsDirty: true },
      });
    }
    return drift;
  });
}
