import type { Prisma, PrismaClient } from "~/db.server";
import type { MigrationImport } from "~/generated/prisma/client";
import { migrationKey } from "~/loyalty/ledger-keys";
import { appendEntries } from "~/loyalty/services/ledger.server";
import { memberPrograms, type MemberProgram } from "~/loyalty/services/member-program.server";
import { ensureMember } from "~/loyalty/services/members.server";
import { refreshTier } from "~/loyalty/services/tiers.server";
import { SOURCE_NAMES } from "./formats";
import { planImport, storedMapping } from "./import.server";
import type { PlannedRow } from "./plan";

// The import itself, in the worker: the plan over the file, then its rows in chunks, each
// chunk one transaction that also moves the progress. Every row writes one `migration`
// entry under migrationKey(shop, source, customer): a second run, a retried job or the same
// file uploaded again finds the key and leaves the member alone. The entry brings the
// available balance to the file's (an adjustment from what the member holds at that
// moment), names its source line, and the member keeps the lifetime points, the tier
// (a floor for MIGRATED_TIER_DAYS) and the referral code the file gives.

export const MIGRATION_CHUNK = 250;
/** How long a migrated tier holds whatever the history here qualifies for. */
export const MIGRATED_TIER_DAYS = 365;
const DAY_MS = 86_400_000;

type Tx = Prisma.TransactionClient;

export async function runMigration(
  db: PrismaClient,
  importId: string,
  now: () => Date = () => new Date(),
): Promise<MigrationImport> {
  let row = await db.migrationImport.findUniqueOrThrow({ where: { id: importId } });
  if (row.status === "completed") return row;
  row = await db.migrationImport.update({
    where: { id: importId },
    data: { status: "running", startedAt: row.startedAt ?? now(), error: null },
  });
  try {
    const plan = await planImport(db, row);
    if ("error" in plan) throw new Error(plan.error);
    const todo = plan.planned.filter((p) => !p.alreadyImported).sort((a, b) => a.line - b.line);
    const skippedByErrors = new Set(plan.problems.filter((p) => p.severity === "error").map((p) => p.line))
      .size;
    // Rows with errors and rows imported before are done (and skipped) before the first chunk.
    const settled = plan.totals.alreadyImported + skippedByErrors;
    await db.migrationImport.update({
      where: { id: importId },
      data: { rowsDone: settled, rowsSkipped: settled, rowsImported: 0 },
    });
    const programOf = await memberPrograms(db, row.shop, now());
    for (let i = 0; i < todo.length; i += MIGRATION_CHUNK) {
      const chunk = todo.slice(i, i + MIGRATION_CHUNK);
      await db.$transaction(
        async (tx) => {
          let imported = 0;
          let entries = 0;
          let points = 0;
          for (const planned of chunk) {
            const wrote = await importRow(tx, row, planned, programOf, now());
            if (wrote === null) continue;
            imported += 1;
            entries += 1;
            points += wrote;
          }
          await tx.migrationImport.update({
            where: { id: importId },
            data: {
              rowsDone: { increment: chunk.length },
              rowsImported: { increment: imported },
              rowsSkipped: { increment: chunk.length - imported },
              entriesWritten: { increment: entries },
              pointsSet: { increment: points },
            },
          });
        },
        { timeout: 120_000 },
      );
    }
    // The file held customers' emails: it goes once its rows are in the ledger.
    return await db.migrationImport.update({
      where: { id: importId },
      data: { status: "completed", finishedAt: now(), content: null },
    });
  } catch (error) {
    await db.migrationImport.update({
      where: { id: importId },
      data: { status: "failed", error: error instanceof Error ? error.message : String(error) },
    });
    throw error;
  }
}

/** One row under its member's lock; the points the entry moved, or null when skipped. */
async function importRow(
  tx: Tx,
  row: MigrationImport,
  planned: PlannedRow,
  programOf: (customerId: bigint) => MemberProgram,
  now: Date,
): Promise<number | null> {
  const { shop } = row;
  const { source } = storedMapping(row);
  const key = migrationKey(shop, source, planned.customerId.toString());
  const mp = programOf(planned.customerId);
  const member = await ensureMember(tx, shop, planned.customerId, mp, now);
  // Staff, B2B, excluded tags, opt-in programs' non-members and deleted customers hold no points here.
  if (member.status !== "active") return null;
  if (await tx.ledgerEntry.findUnique({ where: { shop_key: { shop, key } }, select: { id: true } }))
    return null;
  const delta = planned.targetBalance === null ? 0 : planned.targetBalance - member.availablePoints;
  const result = await appendEntries(tx, member, [
    {
      key,
      kind: "migration",
      points: delta,
      bucket: "available",
      occurredAt: now,
      programVersion: mp.version,
      experimentVariants: mp.variants,
      reason: `Migrated from ${SOURCE_NAMES[source]}`,
      details: {
        source,
        sourceName: SOURCE_NAMES[source],
        fileName: row.fileName,
        line: planned.line,
        importId: row.id,
        importedBalance: planned.targetBalance,
        previousBalance: member.availablePoints,
        lifetimePoints: planned.lifetimePoints,
        tierId: planned.tierId,
        referralCode: planned.referralCode,
      },
    },
  ]);
  if (result.inserted.length === 0) return null;
  const updated = await tx.member.update({
    where: { shop_customerId: { shop, customerId: planned.customerId } },
    data: {
      ...(planned.lifetimePoints !== null ? { migratedLifetimePoints: planned.lifetimePoints } : {}),
      ...(planned.tierId
        ? {
            migratedTierId: planned.tierId,
            migratedTierUntil: new Date(now.getTime() + MIGRATED_TIER_DAYS * DAY_MS),
          }
        : {}),
      ...(planned.referralCode ? { referralCode: planned.referralCode } : {}),
      metafieldsDirty: true,
    },
  });
  if (planned.tierId) await refreshTier(tx, updated, mp.program, now);
  return delta;
}
