import type { Prisma } from "~/db.server";
import { firstOrderBonusKey } from "~/loyalty/ledger-keys";
import type { MemberProgram } from "~/loyalty/member-program";
import { settleOrder, type SettleEntry, type SettleOrder } from "~/loyalty/settle";
import type { QualifyingEvent } from "~/loyalty/tiers";
import { runningExperiments } from "./running.server";

// The holdout's shadow ledger: what a held-out member would have been credited under the
// live program, decided by the same settle function the ledger uses (app/loyalty/settle.ts)
// over the member's shadow entries, and written with the ledger key the entry would have
// had, so replays write nothing twice. The crediting path calls it for held-out members
// (services/orders.server.ts; the webhook batch leaves their orders to that path).

type Tx = Prisma.TransactionClient;

/** The running holdout's id, or null. */
export async function runningHoldoutId(shop: string): Promise<string | null> {
  const set = await runningExperiments(shop);
  return set.experiments.find((e) => e.kind === "holdout")?.id ?? null;
}

type ShadowRow = Prisma.HoldoutShadowEntryGetPayload<object>;

function toSettleEntry(row: ShadowRow): SettleEntry {
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
    orderId: row.orderId?.toString() ?? null,
    details: (row.details ?? null) as Record<string, unknown> | null,
  };
}

/**
 * Settles one order of a held-out member into the shadow ledger, as the ledger would have
 * under `mp` (the live program). `history` is what counts toward the tier as the crediting
 * path read it. Returns the shadow entries written.
 */
export async function settleShadow(
  tx: Tx,
  shop: string,
  customerId: bigint,
  mp: MemberProgram,
  order: SettleOrder,
  history: readonly QualifyingEvent[],
  now: Date,
): Promise<number> {
  const holdoutId = await runningHoldoutId(shop);
  if (!holdoutId) return 0;
  const rows = await tx.holdoutShadowEntry.findMany({ where: { shop, customerId }, orderBy: { id: "asc" } });
  const entries = rows.map(toSettleEntry);
  const bonusPrefix = firstOrderBonusKey(shop, customerId.toString());
  const placedAt = order.placedAt.getTime();
  const decision = settleOrder({
    shop,
    customerId: customerId.toString(),
    mp: { ...mp, heldOut: false },
    order,
    mayEarn: true,
    correct: false,
    history,
    previousOrderCount: entries.filter((e) => e.kind === "earn" && e.occurredAt.getTime() < placedAt).length,
    entries: entries.filter((e) => e.orderId === order.id),
    firstOrderBonus: entries.filter((e) => e.key.startsWith(bonusPrefix)),
    available: entries.filter((e) => e.bucket === "available").reduce((sum, e) => sum + e.points, 0),
    now,
  });
  if (!decision.entries.length) return 0;
  const written = await tx.holdoutShadowEntry.createMany({
    data: decision.entries.map((e) => ({
      shop,
      experimentId: holdoutId,
      customerId,
      key: e.key,
      kind: e.kind,
      points: e.points,
      bucket: e.bucket,
      availableAt: e.availableAt ?? null,
      lotKey: e.lotKey ?? null,
      writtenOff: e.writtenOff ?? null,
      orderId: e.orderId === null ? null : BigInt(e.orderId),
      programVersion: e.programVersion,
      occurredAt: e.occurredAt,
      details:
        e.details === null ? undefined : (JSON.parse(JSON.stringify(e.details)) as Prisma.InputJsonObject),
    })),
    skipDuplicates: true,
  });
  return written.count;
}
