import type { Prisma } from "~/db.server";
import { firstOrderBonusKey } from "~/loyalty/ledger-keys";
import type { MemberProgram } from "~/loyalty/member-program";
import { heldOutFor, settleOrder, type SettleEntry, type SettleOrder } from "~/loyalty/settle";
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

type ShadowRow = Pick<
  Prisma.HoldoutShadowEntryGetPayload<object>,
  | "key"
  | "kind"
  | "points"
  | "bucket"
  | "occurredAt"
  | "availableAt"
  | "lotKey"
  | "writtenOff"
  | "programVersion"
  | "orderId"
  | "details"
>;

export function toSettleEntry(row: ShadowRow): SettleEntry {
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
  const decided = shadowDecision(shop, customerId, mp, order, history, rows.map(toSettleEntry), now);
  if (!decided.length) return 0;
  const written = await tx.holdoutShadowEntry.createMany({
    data: decided.map((e) => ({
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

/**
 * What the ledger would append for `order` under the live program, given the member's
 * shadow entries so far: the one settle decision, with the shadow standing in for the ledger.
 */
export function shadowDecision(
  shop: string,
  customerId: bigint,
  mp: MemberProgram,
  order: SettleOrder,
  history: readonly QualifyingEvent[],
  entries: readonly SettleEntry[],
  now: Date,
): SettleEntry[] {
  // Only what the holdout took away: orders placed since it began.
  if (!heldOutFor(mp, order.placedAt)) return [];
  const bonusPrefix = firstOrderBonusKey(shop, customerId.toString());
  const placedAt = order.placedAt.getTime();
  const decision = settleOrder({
    shop,
    customerId: customerId.toString(),
    mp: { program: mp.program, version: mp.version, variants: mp.variants },
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
  return decision.entries.map(({ cause: _cause, ...e }) => e);
}

/** The shadow entries of `customerIds` on node-postgres (the webhook batch), by customer. */
export async function loadShadowPg(
  query: (sql: string, params: unknown[]) => Promise<{ rows: unknown[] }>,
  shop: string,
  customerIds: readonly bigint[],
): Promise<Map<bigint, SettleEntry[]>> {
  const out = new Map<bigint, SettleEntry[]>(customerIds.map((id) => [id, []]));
  if (!customerIds.length) return out;
  const { rows } = await query(
    `SELECT "customerId", "key", "kind"::text AS "kind", "points", "bucket"::text AS "bucket", "occurredAt",
            "availableAt", "lotKey", "writtenOff", "programVersion", "orderId", "details"
     FROM "HoldoutShadowEntry" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[]) ORDER BY "id"`,
    [shop, customerIds.map(String)],
  );
  for (const row of rows as (ShadowRow & { customerId: bigint | string })[])
    out
      .get(BigInt(row.customerId))
      ?.push(toSettleEntry({ ...row, orderId: row.orderId === null ? null : BigInt(row.orderId) }));
  return out;
}

/** Writes shadow entries on node-postgres in one statement (the webhook batch); replays write nothing. */
export async function insertShadowPg(
  query: (sql: string, params: unknown[]) => Promise<unknown>,
  shop: string,
  experimentId: string,
  entries: readonly (SettleEntry & { customerId: bigint })[],
): Promise<void> {
  if (!entries.length) return;
  const rows = entries.map((e) => ({
    customerId: String(e.customerId),
    key: e.key,
    kind: e.kind,
    points: e.points,
    bucket: e.bucket,
    availableAt: e.availableAt?.toISOString() ?? null,
    lotKey: e.lotKey ?? null,
    writtenOff: e.writtenOff ?? null,
    orderId: e.orderId,
    programVersion: e.programVersion,
    occurredAt: e.occurredAt.toISOString(),
    details: e.details,
  }));
  await query(
    `INSERT INTO "HoldoutShadowEntry" ("shop", "experimentId", "customerId", "key", "kind", "points", "bucket",
                                       "availableAt", "lotKey", "writtenOff", "orderId", "programVersion", "occurredAt", "details")
     SELECT $1, $2::uuid, r."customerId"::bigint, r."key", r."kind"::"LedgerKind", r."points", r."bucket"::"LedgerBucket",
            r."availableAt"::timestamp(3), r."lotKey", r."writtenOff", r."orderId"::bigint, r."programVersion",
            r."occurredAt"::timestamp(3), r."details"::json
     FROM json_to_recordset($3::json) AS r("customerId" text, "key" text, "kind" text, "points" int, "bucket" text,
          "availableAt" text, "lotKey" text, "writtenOff" int, "orderId" text, "programVersion" int, "occurredAt" text,
          "details" json)
     ON CONFLICT ("shop", "key") DO NOTHING`,
    [shop, experimentId, JSON.stringify(rows)],
  );
}
