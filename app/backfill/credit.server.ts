import type pg from "pg";
import type { PrismaClient } from "~/db.server";
import type { MemberStatus } from "~/generated/prisma/client";
import { earningOrderFromMirror, refundedAmountsFromMirror, type ProductFacts } from "~/ingest/mirror-format";
import { lineNetMinor } from "~/loyalty/earning-lines";
import { membershipDecision } from "~/loyalty/membership";
import { PAID_STATUSES } from "~/loyalty/orders.server";
import type { Program } from "~/loyalty/program";
import { replayHistory, type ReplayEntry, type ReplayOrder } from "~/loyalty/replay";
import { inTransaction, type SqlTx } from "./sql.server";

// The credit phase: members for every loaded customer and, when the merchant chose so,
// the ledger of their history (app/loyalty/replay.ts), a batch of customers per
// transaction in id order. Each batch locks its members (as the live path does), inserts
// the replayed entries with ON CONFLICT (shop, key) DO NOTHING, sets each member's
// cached balances and tier from the ledger, and moves the run's cursor, all in one
// commit: a crash resumes after the last committed customer, and replaying a batch
// again inserts nothing.

type Tx = SqlTx;

export const CREDIT_BATCH_CUSTOMERS = 2000;

export interface CreditTarget {
  runId: string;
  shop: string;
  program: Program;
  historyEarnsPoints: boolean;
  /** Last customer id credited (resume after it). */
  cursor: bigint | null;
}

export interface CreditCounts {
  customers: number;
  membersEnrolled: number;
  entries: number;
  points: number;
}

interface CustomerRowForCredit {
  id: bigint;
  email: string | null;
  tags: string[];
  isB2B: boolean;
  deletedAt: Date | null;
  redactedAt: Date | null;
}

interface OrderRowForCredit {
  id: bigint;
  customerId: bigint;
  currencyCode: string;
  lineItems: unknown;
  totalShippingMinor: bigint;
  totalTaxMinor: bigint;
  shopifyCreatedAt: Date | null;
  processedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  financialStatus: string | null;
  test: boolean;
}

interface RefundRowForCredit {
  id: bigint;
  orderId: bigint;
  lineItems: unknown;
  shippingMinor: bigint;
  totalMinor: bigint;
  processedAt: Date | null;
  shopifyCreatedAt: Date | null;
}

interface MemberRowForCredit {
  customerId: bigint;
  status: MemberStatus;
  optedInAt: Date | null;
  tierId: string | null;
  tierBelowSince: Date | null;
}

/** Facts every batch needs once: products (earning multipliers) and staff emails (exclusions). */
export async function creditContext(db: PrismaClient, shop: string) {
  const [products, shopRow, sessions] = await Promise.all([
    db.product.findMany({ where: { shop }, select: { id: true, tags: true, collectionIds: true } }),
    db.shop.findUnique({ where: { domain: shop }, select: { email: true } }),
    db.session.findMany({ where: { shop, email: { not: null } }, select: { email: true } }),
  ]);
  const facts: ProductFacts = new Map(
    products.map((p) => [p.id.toString(), { tags: p.tags, collectionIds: p.collectionIds }]),
  );
  const staff = new Set(
    [shopRow?.email, ...sessions.map((s) => s.email)].flatMap((e) => (e ? [e.trim().toLowerCase()] : [])),
  );
  return { facts, staff };
}

export type CreditContext = Awaited<ReturnType<typeof creditContext>>;

/** The next page of customer ids after the cursor, in id order (the credit's unit of work). */
export async function nextCustomerIds(
  db: PrismaClient,
  shop: string,
  cursor: bigint | null,
  limit = CREDIT_BATCH_CUSTOMERS,
): Promise<bigint[]> {
  const rows = await db.$queryRaw<{ id: bigint }[]>`
    SELECT "id" FROM "Customer" WHERE "shop" = ${shop} AND "id" > ${cursor ?? -1n} ORDER BY "id" LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/**
 * Credits one page of customers (`ids`, the page after `target.cursor`). Its work runs
 * at once; it commits only after `previous` (the page before) has, so the run's cursor
 * moves in order while two pages are in flight.
 */
export async function creditBatch(
  db: pg.Pool,
  target: CreditTarget,
  context: CreditContext,
  now: Date,
  ids: bigint[],
  previous: Promise<unknown> = Promise.resolve(),
): Promise<CreditCounts & { cursor: bigint }> {
  const { shop, program } = target;
  return inTransaction(db, async (tx) => {
    const customers = (
      await tx.rows<Omit<CustomerRowForCredit, "id"> & { id: string }>(
        `SELECT "id", "email", "tags", "isB2B", "deletedAt", "redactedAt" FROM "Customer"
           WHERE "shop" = $1 AND "id" = ANY($2::bigint[]) ORDER BY "id"`,
        [shop, ids.map(String)],
      )
    ).map((c) => ({ ...c, id: BigInt(c.id) }));
    const last = ids[ids.length - 1]!;

    // Create the missing members, then lock every member of the batch in id order (as
    // lockMember does one at a time), so live credits for them wait for this commit.
    const created = await createMembers(tx, shop, customers, context, program, now);
    const members = (
      await tx.rows<Omit<MemberRowForCredit, "customerId"> & { customerId: string }>(
        `SELECT "customerId", "status", "optedInAt", "tierId", "tierBelowSince" AT TIME ZONE 'UTC' AS "tierBelowSince"
           FROM "Member" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[])
           ORDER BY "customerId" FOR UPDATE`,
        [shop, ids.map(String)],
      )
    ).map((m) => ({ ...m, customerId: BigInt(m.customerId) }));
    const [orders, ledger] = await Promise.all([
      jsonRows<OrderJson>(
        tx,
        `SELECT "id"::text AS "id", "customerId"::text AS "customerId", "currencyCode", "lineItems",
                  "totalShippingMinor", "totalTaxMinor", "shopifyCreatedAt", "processedAt", "cancelledAt",
                  "cancelReason", "financialStatus", "test"
           FROM "Order" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[])`,
        shop,
        ids.map(String),
      ),
      jsonRows<LedgerJson>(
        tx,
        `SELECT "customerId"::text AS "customerId", "key", "kind", "points", "bucket", "occurredAt", "availableAt",
                  "lotKey", "writtenOff", "programVersion", "orderId"::text AS "orderId", "details"
           FROM "LedgerEntry" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[])`,
        shop,
        ids.map(String),
      ),
    ]);
    const refunds = orders.length
      ? await jsonRows<RefundJson>(
          tx,
          `SELECT "id"::text AS "id", "orderId"::text AS "orderId", "lineItems", "shippingMinor", "totalMinor",
                    "processedAt", "shopifyCreatedAt"
             FROM "Refund" WHERE "shop" = $1 AND "orderId" = ANY($2::bigint[])`,
          shop,
          orders.map((o) => o.id),
        )
      : [];

    const ordersBy = groupBy(orders, (o) => o.customerId);
    const refundsBy = groupBy(refunds, (r) => r.orderId);
    const ledgerBy = groupBy(ledger, (e) => e.customerId);
    const key = (id: bigint) => id.toString();
    const memberBy = new Map(members.map((m) => [m.customerId, m]));

    const entries: { customerId: bigint; entry: ReplayEntry }[] = [];
    const updates: MemberUpdate[] = [];
    for (const customer of customers) {
      const member = memberBy.get(customer.id);
      if (!member) continue;
      const result = replayHistory({
        shop,
        customerId: customer.id.toString(),
        program,
        active: member.status === "active",
        historyEarnsPoints: target.historyEarnsPoints,
        orders: (ordersBy.get(key(customer.id)) ?? []).flatMap((o) => {
          const history = replayOrder(
            toOrderRow(o),
            (refundsBy.get(o.id) ?? []).map(toRefundRow),
            context.facts,
          );
          return history ? [history] : [];
        }),
        existing: (ledgerBy.get(key(customer.id)) ?? []).map(toReplayEntry),
        standing: { tierId: member.tierId, belowSince: member.tierBelowSince },
        now,
      });
      for (const entry of result.entries) entries.push({ customerId: customer.id, entry });
      updates.push({
        customerId: customer.id,
        available: result.balances.available,
        pending: result.balances.pending,
        lifetime: result.balances.lifetimeEarned,
        redeemed: result.balances.redeemed,
        expired: result.balances.expired,
        ordersEarned: result.ordersEarned,
        lastActivityAt: result.lastActivityAt,
        tierId: result.tier.tierId,
        tierBelowSince: result.tier.belowSince,
        tierValue: Math.round(result.tier.value),
        nextTierId: result.tier.progress.nextTierId,
        tierRemaining: Math.round(result.tier.progress.remaining),
      });
    }
    // No wait for the WAL flush: a crash can only lose whole batches together with their
    // cursor (the resume redoes them), and any later synchronous commit that builds on
    // these rows flushes them first, since the WAL is written in order.
    await tx.exec(`SET LOCAL synchronous_commit = off`);
    const inserted = await insertEntries(tx, shop, entries);
    await updateMembers(tx, shop, updates, now);
    const points = inserted.points;
    await previous;
    const moved = await tx.exec(
      `UPDATE "BackfillRun" SET
           "creditCursor" = $2, "customersCredited" = "customersCredited" + $3,
           "membersEnrolled" = "membersEnrolled" + $4, "entriesWritten" = "entriesWritten" + $5,
           "pointsCredited" = "pointsCredited" + $6, "updatedAt" = $7::timestamptz AT TIME ZONE 'UTC'
         WHERE "id" = $1::uuid AND "status" = 'running' AND "creditCursor" IS NOT DISTINCT FROM $8::bigint`,
      [
        target.runId,
        last.toString(),
        customers.length,
        created,
        inserted.count,
        points,
        now.toISOString(),
        target.cursor === null ? null : target.cursor.toString(),
      ],
    );
    if (moved !== 1)
      throw new Error(`Backfill ${target.runId} credit cursor moved: another worker is crediting it`);
    return {
      customers: customers.length,
      membersEnrolled: created,
      entries: inserted.count,
      points,
      cursor: last,
    };
  });
}

/** A mirrored order as the replay reads it; null for an order that cannot be placed in time. */
export function replayOrder(
  o: OrderRowForCredit,
  refunds: RefundRowForCredit[],
  facts: ProductFacts,
): ReplayOrder | null {
  if (!o.shopifyCreatedAt && !o.processedAt) return null;
  const order = earningOrderFromMirror(o, facts);
  // Merchandise net of discounts, gift cards excluded: what tiers.server.ts counts as spend.
  const spendMinor = order.lines.filter((l) => !l.giftCard).reduce((sum, l) => sum + lineNetMinor(l), 0);
  return {
    order,
    earns: !o.test && o.financialStatus !== null && PAID_STATUSES.has(o.financialStatus),
    spendMinor,
    cancelledAt: o.cancelledAt,
    cancelReason: o.cancelReason,
    refunds: refunds.map((r) => ({
      id: r.id.toString(),
      at: r.processedAt ?? r.shopifyCreatedAt,
      amounts: refundedAmountsFromMirror(r),
      spendMinor: (r.lineItems as { subtotalMinor?: number }[]).reduce(
        (s, l) => s + (l.subtotalMinor ?? 0),
        0,
      ),
    })),
  };
}

function toReplayEntry(row: LedgerJson): ReplayEntry {
  return {
    key: row.key,
    kind: row.kind,
    points: row.points,
    bucket: row.bucket,
    occurredAt: pgTime(row.occurredAt)!,
    availableAt: pgTime(row.availableAt),
    lotKey: row.lotKey,
    writtenOff: row.writtenOff,
    programVersion: row.programVersion,
    orderId: row.orderId,
    details: row.details,
  };
}

// Rows read as one JSON document (json_agg) and parsed natively: thousands of orders with
// their line items per batch would otherwise pay a driver conversion per field.
type Json<T> = {
  [K in keyof T]: T[K] extends bigint ? string : T[K] extends Date | null ? string | null : T[K];
};
type OrderJson = Json<OrderRowForCredit>;
type RefundJson = Json<RefundRowForCredit>;
interface LedgerJson {
  customerId: string;
  key: string;
  kind: ReplayEntry["kind"];
  points: number;
  bucket: ReplayEntry["bucket"];
  occurredAt: string;
  availableAt: string | null;
  lotKey: string | null;
  writtenOff: number | null;
  programVersion: number;
  orderId: string | null;
  details: Record<string, unknown> | null;
}

async function jsonRows<T>(tx: Tx, sql: string, ...params: unknown[]): Promise<T[]> {
  const [row] = await tx.rows<{ rows: string | null }>(
    `SELECT json_agg(q)::text AS "rows" FROM (${sql}) q`,
    params.map((p) => (Array.isArray(p) ? p.map(String) : p)),
  );
  return row?.rows ? (JSON.parse(row.rows) as T[]) : [];
}

/** A timestamp column as JSON ("2025-01-02T10:00:00", UTC without a zone) → Date. */
function pgTime(value: string | null | undefined): Date | null {
  return value ? new Date(`${value}Z`) : null;
}

function toOrderRow(o: OrderJson): OrderRowForCredit {
  return {
    ...o,
    id: BigInt(o.id),
    customerId: BigInt(o.customerId),
    totalShippingMinor: BigInt(o.totalShippingMinor),
    totalTaxMinor: BigInt(o.totalTaxMinor),
    shopifyCreatedAt: pgTime(o.shopifyCreatedAt),
    processedAt: pgTime(o.processedAt),
    cancelledAt: pgTime(o.cancelledAt),
  };
}

function toRefundRow(r: RefundJson): RefundRowForCredit {
  return {
    ...r,
    id: BigInt(r.id),
    orderId: BigInt(r.orderId),
    shippingMinor: BigInt(r.shippingMinor),
    totalMinor: BigInt(r.totalMinor),
    processedAt: pgTime(r.processedAt),
    shopifyCreatedAt: pgTime(r.shopifyCreatedAt),
  };
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/** Members for customers the program has not seen, with the status the live path would give them. */
async function createMembers(
  tx: Tx,
  shop: string,
  customers: CustomerRowForCredit[],
  context: CreditContext,
  program: Program,
  now: Date,
): Promise<number> {
  const rows = customers.map((c) => {
    if (c.deletedAt) return { id: c.id, status: "deleted" as const, reason: "deletedInShopify" };
    if (c.redactedAt) return { id: c.id, status: "deleted" as const, reason: "redacted" };
    const decision = membershipDecision(
      {
        tags: c.tags,
        isStaff: c.email !== null && context.staff.has(c.email.trim().toLowerCase()),
        isB2B: c.isB2B,
        optedIn: false,
      },
      program.membership,
    );
    if (decision.eligible) return { id: c.id, status: "active" as const, reason: null };
    if (decision.reason === "notOptedIn") return { id: c.id, status: "notEnrolled" as const, reason: null };
    return {
      id: c.id,
      status: "excluded" as const,
      reason: decision.reason === "excludedTag" ? `excludedTag:${decision.tag}` : decision.reason,
    };
  });
  const created = await tx.rows<{ status: MemberStatus }>(
    `INSERT INTO "Member" ("shop", "customerId", "status", "statusReason", "enrolledAt", "updatedAt")
     SELECT $1, t.id, t.status::"MemberStatus", t.reason,
       CASE WHEN t.status = 'active' THEN $2::timestamptz AT TIME ZONE 'UTC' END, $2::timestamptz AT TIME ZONE 'UTC'
     FROM UNNEST($3::bigint[], $4::text[], $5::text[]) AS t(id, status, reason)
     ON CONFLICT ("shop", "customerId") DO NOTHING
     RETURNING "status"`,
    [shop, iso(now), rows.map((r) => r.id.toString()), rows.map((r) => r.status), rows.map((r) => r.reason)],
  );
  return created.filter((r) => r.status === "active").length;
}

async function insertEntries(
  tx: Tx,
  shop: string,
  rows: { customerId: bigint; entry: ReplayEntry }[],
): Promise<{ count: number; points: number }> {
  let count = 0;
  let points = 0;
  for (let i = 0; i < rows.length; i += 10_000) {
    const chunk = rows.slice(i, i + 10_000).map(({ customerId, entry: e }) => ({
      customerId: customerId.toString(),
      key: e.key,
      kind: e.kind,
      points: e.points,
      bucket: e.bucket,
      occurredAt: e.occurredAt.toISOString(),
      availableAt: e.availableAt ? e.availableAt.toISOString() : null,
      lotKey: e.lotKey ?? null,
      writtenOff: e.writtenOff ?? null,
      programVersion: e.programVersion,
      orderId: e.orderId,
      details: e.details,
    }));
    const [result] = await tx.rows<{ count: number; points: number }>(
      `WITH inserted AS (
         INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt",
           "availableAt", "lotKey", "writtenOff", "programVersion", "orderId", "details")
         SELECT $1, t."customerId", t."key", t."kind"::"LedgerKind", t."points", t."bucket"::"LedgerBucket",
           t."occurredAt" AT TIME ZONE 'UTC', t."availableAt" AT TIME ZONE 'UTC', t."lotKey", t."writtenOff",
           t."programVersion", t."orderId", t."details"
         FROM json_to_recordset($2::json) AS t("customerId" bigint, "key" text, "kind" text, "points" int,
           "bucket" text, "occurredAt" timestamptz, "availableAt" timestamptz, "lotKey" text, "writtenOff" int,
           "programVersion" int, "orderId" bigint, "details" jsonb)
         ON CONFLICT ("shop", "key") DO NOTHING
         RETURNING "kind", "points"
       )
       SELECT count(*)::int AS "count",
              COALESCE(sum("points") FILTER (WHERE "kind" IN ('earn', 'bonus')), 0)::int AS "points"
       FROM inserted`,
      [shop, JSON.stringify(chunk)],
    );
    count += result?.count ?? 0;
    points += result?.points ?? 0;
  }
  return { count, points };
}

interface MemberUpdate {
  customerId: bigint;
  available: number;
  pending: number;
  lifetime: number;
  redeemed: number;
  expired: number;
  ordersEarned: number;
  lastActivityAt: Date | null;
  tierId: string | null;
  tierBelowSince: Date | null;
  tierValue: number;
  nextTierId: string | null;
  tierRemaining: number;
}

/** The member cache from the ledger (balancesFromLedger over every entry) and the tier the history earns. */
async function updateMembers(tx: Tx, shop: string, rows: MemberUpdate[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      ...r,
      customerId: r.customerId.toString(),
      lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
      tierBelowSince: r.tierBelowSince?.toISOString() ?? null,
    })),
  );
  await tx.exec(
    `UPDATE "Member" m SET
       "availablePoints" = t."available", "pendingPoints" = t."pending", "lifetimePoints" = t."lifetime",
       "redeemedPoints" = t."redeemed", "expiredPoints" = t."expired", "ordersEarned" = t."ordersEarned",
       "lastActivityAt" = GREATEST(m."lastActivityAt", t."lastActivityAt" AT TIME ZONE 'UTC'),
       "tierId" = t."tierId", "tierBelowSince" = t."tierBelowSince" AT TIME ZONE 'UTC', "tierValue" = t."tierValue",
       "nextTierId" = t."nextTierId", "tierRemaining" = t."tierRemaining",
       "tierEvaluatedAt" = $2::timestamptz AT TIME ZONE 'UTC', "metafieldsDirty" = true,
       "updatedAt" = $2::timestamptz AT TIME ZONE 'UTC'
     FROM json_to_recordset($3::json) AS t("customerId" bigint, "available" int, "pending" int, "lifetime" int,
       "redeemed" int, "expired" int, "ordersEarned" int, "lastActivityAt" timestamptz, "tierId" text,
       "tierBelowSince" timestamptz, "tierValue" bigint, "nextTierId" text, "tierRemaining" bigint)
     WHERE m."shop" = $1 AND m."customerId" = t."customerId"`,
    [shop, now.toISOString(), json],
  );
}
