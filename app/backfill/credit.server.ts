import type pg from "pg";
import type { PrismaClient } from "~/db.server";
import type { MemberStatus } from "~/generated/prisma/client";
import {
  earningOrderFromMirror,
  orderPlacedAt,
  refundedAmountsFromMirror,
  type MirroredOrder,
  type ProductFacts,
} from "~/mirror/format";
import type { EarningOrder } from "~/loyalty/earning";
import type { EarningLine } from "~/loyalty/earning-lines";
import { lineNetMinor } from "~/loyalty/earning-lines";
import { joinDate, memberStatusFor, membershipDecision } from "~/loyalty/membership";
import { PAID_STATUSES } from "~/loyalty/services/orders.server";
import type { ProgramTimeline } from "~/loyalty/services/member-program.server";
import type { Program } from "~/loyalty/program";
import { replayHistory, type ReplayEntry, type ReplayOrder, type ReplayResult } from "~/loyalty/replay";
import { migratedFloor } from "~/loyalty/tiers";
import {
  historyRedemptionId,
  insertHistoryRedemptions,
  isHistoryRedemption,
  matchRedemptions,
  redeemedCodes,
} from "./redemptions.server";
import {
  arrayLiteral,
  copyField,
  copyIfNew,
  inTransaction,
  shopRows,
  utcText,
  type SqlTx,
} from "./sql.server";
import { writeShadow } from "./shadow.server";

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
  /**
   * Each member's program at any instant (`memberProgramsOverTime` under the run's pinned
   * version): every order is credited under the program the member had when it was placed.
   */
  programs: ProgramTimeline;
  historyEarnsPoints: boolean;
  /** Prefixes of a previous app's reward codes (history-redemptions.ts); the app's own codes always count. */
  redemptionCodePrefixes?: readonly string[];
  /** Last customer id credited (resume after it). */
  cursor: bigint | null;
}

export interface CreditCounts {
  customers: number;
  membersEnrolled: number;
  entries: number;
  points: number;
  /** Past redemptions imported, and reward codes that matched no reward. */
  redemptions: number;
  redemptionsUnmatched: number;
}

interface CustomerRowForCredit {
  id: bigint;
  email: string | null;
  tags: string[];
  isB2B: boolean;
  deletedAt: Date | null;
  redactedAt: Date | null;
  shopifyCreatedAt: Date | null;
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
  discountCodes: string[];
  totalDiscountsMinor: number;
  subtotalMinor: number;
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
  migratedTierId: string | null;
  migratedTierUntil: Date | null;
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
  hooks: CreditHooks = {},
): Promise<CreditCounts & { cursor: bigint }> {
  const { shop, programs } = target;
  return inTransaction(db, async (tx) => {
    // No wait for the WAL flush: a crash can only lose whole batches together with their
    // cursor (the resume redoes them), and any later synchronous commit that builds on
    // these rows flushes them first, since the WAL is written in order.
    await tx.exec(`SET LOCAL synchronous_commit = off`);
    // Every read below is a lookup by key on an index. The ledger grows by a million rows
    // during the run, faster than autovacuum refreshes its statistics, and a plan made for
    // the empty table it started as scans the whole table for each batch.
    await tx.exec(`SET LOCAL enable_seqscan = off`);
    // readOrders parses timestamps in ISO output.
    await tx.exec(`SET LOCAL DateStyle = 'ISO, MDY'`);
    const idText = ids.map(String);
    const customers = (
      await tx.rows<Omit<CustomerRowForCredit, "id"> & { id: string }>(
        `SELECT "id", "email", "tags", "isB2B", "deletedAt", "redactedAt",
                "shopifyCreatedAt" AT TIME ZONE 'UTC' AS "shopifyCreatedAt" FROM "Customer"
           WHERE "shop" = $1 AND "id" = ANY($2::bigint[]) ORDER BY "id"`,
        [shop, idText],
      )
    ).map((c) => ({ ...c, id: BigInt(c.id) }));
    const last = ids[ids.length - 1]!;

    // Members that exist already (live webhooks, an earlier attempt) are locked in id
    // order, as lockMember does one at a time, so live credits for them wait for this
    // commit. The others are inserted below with their replayed state in one statement
    // (one write per member instead of an insert, a lock and an update).
    const existing = await lockMembers(tx, shop, idText);
    const [orders, ledger] = await Promise.all([
      readOrders(tx, shop, idText),
      // Entries are only ever written under a member's lock (lockMember, lockMembers),
      // so a customer with no member row has no ledger yet: only members are read.
      existing.size
        ? readLedger(tx, shop, [...existing.keys()].map(String))
        : new Map<string, ReplayEntry[]>(),
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

    // Codes the live path issued are its own redemptions already, never past ones.
    const known =
      target.historyEarnsPoints && existing.size
        ? await redeemedCodes(tx, shop, [...existing.keys()].map(String))
        : new Set<string>();
    const codeCounts = { unmatched: 0 };
    const refundsBy = groupBy(refunds, (r) => r.orderId);
    const historyBy = new Map<string, ReplayOrder[]>();
    const firstOrderAt = new Map<string, Date>();
    for (const o of orders) {
      const placed = o.test ? null : pgTime(o.processedAt ?? o.shopifyCreatedAt);
      const seen = firstOrderAt.get(o.customerId);
      if (placed && (!seen || placed < seen)) firstOrderAt.set(o.customerId, placed);
      const history = replayOrder(toOrderRow(o), (refundsBy.get(o.id) ?? []).map(toRefundRow), context.facts);
      if (!history) continue;
      if (target.historyEarnsPoints && o.discountCodes.length && !o.test)
        history.redemption = matchRedemptions(
          o,
          programs.at(BigInt(o.customerId), placed ?? now).program.rewards,
          target.redemptionCodePrefixes ?? [],
          known,
          codeCounts,
        );
      const list = historyBy.get(o.customerId);
      if (list) list.push(history);
      else historyBy.set(o.customerId, [history]);
    }
    const replay = (customer: CustomerRowForCredit, member: MemberState, entries: readonly ReplayEntry[]) => {
      const id = customer.id.toString();
      const mp = programs.at(customer.id, now);
      return replayHistory({
        shop,
        customerId: id,
        program: mp.program,
        variants: mp.variants,
        programAt: (at) => programs.at(customer.id, at),
        active: member.status === "active",
        historyEarnsPoints: target.historyEarnsPoints,
        orders: historyBy.get(id) ?? [],
        existing: entries,
        standing: {
          tierId: member.tierId,
          belowSince: member.tierBelowSince,
          floor: migratedFloor({
            migratedTierId: member.migratedTierId ?? null,
            migratedTierUntil: member.migratedTierUntil ?? null,
          }),
        },
        now,
      });
    };

    // Members join at their first order or account creation, whichever is earlier (joinDate);
    // an opt-in program's members join when they opt in, which the replay never does.
    const joinedAt = (customer: CustomerRowForCredit) =>
      programs.at(customer.id, now).program.membership.enrollment === "optIn"
        ? now
        : joinDate(customer.shopifyCreatedAt, firstOrderAt.get(customer.id.toString()), now);
    const entries: { customerId: bigint; entry: ReplayEntry }[] = [];
    // Each customer's orders the holdout took away, from the replay that counts (a raced one is redone).
    const heldOut = new Map<bigint, ReplayResult["heldOut"]>();
    const updates: MemberUpdate[] = [];
    const inserts: (MemberUpdate & { status: MemberStatus; reason: string | null })[] = [];
    for (const customer of customers) {
      const member = existing.get(customer.id);
      const fresh = member ? null : newMemberStatus(customer, context, programs.at(customer.id, now).program);
      const state: MemberState = member ?? { status: fresh!.status, tierId: null, tierBelowSince: null };
      const result = replay(customer, state, ledger.get(customer.id.toString()) ?? []);
      heldOut.set(customer.id, result.heldOut);
      for (const entry of result.entries) entries.push({ customerId: customer.id, entry });
      const update = memberUpdate(customer.id, result, joinedAt(customer));
      if (fresh) inserts.push({ ...update, status: fresh.status, reason: fresh.reason });
      else updates.push(update);
    }

    await hooks.beforeMemberInsert?.();
    const created = await insertMembers(tx, shop, inserts, now);
    let enrolled = 0;
    const raced: bigint[] = [];
    for (const row of inserts) {
      if (!created.has(row.customerId)) raced.push(row.customerId);
      else if (row.status === "active") enrolled += 1;
    }
    let batchEntries = entries;
    if (raced.length) {
      // A live webhook enrolled some of these customers between the lock and the insert:
      // their replay assumed no member and no ledger, so it is done again for them under
      // their lock, from what they hold now.
      const again = new Set(raced);
      batchEntries = entries.filter((e) => !again.has(e.customerId));
      const racedText = raced.map(String);
      const members = await lockMembers(tx, shop, racedText);
      const racedLedger = await readLedger(tx, shop, racedText);
      for (const customer of customers) {
        const member = again.has(customer.id) ? members.get(customer.id) : undefined;
        if (!member) continue;
        const result = replay(customer, member, racedLedger.get(customer.id.toString()) ?? []);
        heldOut.set(customer.id, result.heldOut);
        for (const entry of result.entries) batchEntries.push({ customerId: customer.id, entry });
        updates.push(memberUpdate(customer.id, result, joinedAt(customer)));
      }
    }
    const inserted = await insertEntries(tx, shop, batchEntries);
    await writeShadow(tx, shop, programs, heldOut, now);
    const redemptions = await insertHistoryRedemptions(tx, shop, batchEntries);
    await updateMembers(tx, shop, updates, now);
    const points = inserted.points;
    await previous;
    const moved = await tx.exec(
      `UPDATE "BackfillRun" SET
           "creditCursor" = $2, "customersCredited" = "customersCredited" + $3,
           "membersEnrolled" = "membersEnrolled" + $4, "entriesWritten" = "entriesWritten" + $5,
           "pointsCredited" = "pointsCredited" + $6, "updatedAt" = $7::timestamptz AT TIME ZONE 'UTC',
           "redemptionsImported" = "redemptionsImported" + $9, "redemptionsUnmatched" = "redemptionsUnmatched" + $10
         WHERE "id" = $1::uuid AND "status" = 'running' AND "creditCursor" IS NOT DISTINCT FROM $8::bigint`,
      [
        target.runId,
        last.toString(),
        customers.length,
        enrolled,
        inserted.count,
        points,
        now.toISOString(),
        target.cursor === null ? null : target.cursor.toString(),
        redemptions,
        codeCounts.unmatched,
      ],
    );
    if (moved !== 1)
      throw new Error(`Backfill ${target.runId} credit cursor moved: another worker is crediting it`);
    return {
      customers: customers.length,
      membersEnrolled: enrolled,
      entries: inserted.count,
      points,
      redemptions,
      redemptionsUnmatched: codeCounts.unmatched,
      cursor: last,
    };
  });
}

/** Test seams: runs between the replay and the member insert (to race a live enrollment). */
export interface CreditHooks {
  beforeMemberInsert?: () => Promise<void>;
}

type MemberState = Pick<MemberRowForCredit, "status" | "tierId" | "tierBelowSince"> &
  Partial<Pick<MemberRowForCredit, "migratedTierId" | "migratedTierUntil">>;
type NewMember = { status: MemberStatus; reason: string | null };

async function lockMembers(tx: Tx, shop: string, ids: string[]): Promise<Map<bigint, MemberRowForCredit>> {
  const rows = await tx.rows<Omit<MemberRowForCredit, "customerId"> & { customerId: string }>(
    `SELECT "customerId", "status", "optedInAt", "tierId", "tierBelowSince" AT TIME ZONE 'UTC' AS "tierBelowSince",
            "migratedTierId", "migratedTierUntil" AT TIME ZONE 'UTC' AS "migratedTierUntil"
       FROM "Member" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[])
       ORDER BY "customerId" FOR UPDATE`,
    [shop, ids],
  );
  return new Map(rows.map((m) => [BigInt(m.customerId), { ...m, customerId: BigInt(m.customerId) }]));
}

async function readLedger(tx: Tx, shop: string, ids: string[]): Promise<Map<string, ReplayEntry[]>> {
  const rows = await jsonRows<LedgerJson>(
    tx,
    `SELECT "customerId"::text AS "customerId", "key", "kind", "points", "bucket", "occurredAt", "availableAt",
              "lotKey", "writtenOff", "programVersion", "orderId"::text AS "orderId", "details"
       FROM "LedgerEntry" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[])`,
    shop,
    ids,
  );
  const by = new Map<string, ReplayEntry[]>();
  for (const row of rows) {
    const list = by.get(row.customerId);
    if (list) list.push(toReplayEntry(row));
    else by.set(row.customerId, [toReplayEntry(row)]);
  }
  return by;
}

function memberUpdate(
  customerId: bigint,
  result: ReturnType<typeof replayHistory>,
  joinedAt: Date,
): MemberUpdate {
  return {
    customerId,
    joinedAt,
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
  };
}

/** A mirrored order as the replay reads it; null for an order that cannot be placed in time. */
export function replayOrder(
  o: OrderRowForCredit,
  refunds: RefundRowForCredit[],
  facts: ProductFacts,
): ReplayOrder | null {
  if (!o.shopifyCreatedAt && !o.processedAt) return null;
  const order = earningOrderForReplay(o, facts);
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

/**
 * earningOrderFromMirror without its schema pass when every line already has the exact
 * mirror shape (the backfill's own load writes them so); an order with any other line
 * goes through earningOrderFromMirror, its defaults and its errors.
 */
export function earningOrderForReplay(o: MirroredOrder, facts: ProductFacts): EarningOrder {
  const raw = o.lineItems;
  if (!Array.isArray(raw)) return earningOrderFromMirror(o, facts);
  const lines: EarningLine[] = [];
  for (const line of raw as unknown[]) {
    if (!isMirrorLine(line)) return earningOrderFromMirror(o, facts);
    const product = line.productId ? facts.get(line.productId) : undefined;
    lines.push({
      id: line.id,
      productId: line.productId,
      collectionIds: product?.collectionIds ?? [],
      tags: product?.tags ?? [],
      quantity: line.quantity,
      unitPriceMinor: line.priceMinor,
      discountAllocationsMinor: line.discountMinor ? [line.discountMinor] : [],
      giftCard: line.giftCard ?? false,
    });
  }
  return {
    id: o.id.toString(),
    currency: o.currencyCode,
    placedAt: orderPlacedAt(o),
    lines,
    shippingMinor: Number(o.totalShippingMinor),
    taxMinor: Number(o.totalTaxMinor),
  };
}

type PlainLine = {
  id: string;
  productId: string | null;
  quantity: number;
  priceMinor: number;
  discountMinor?: number;
  giftCard?: boolean;
};

const optionalText = (v: unknown) => v === undefined || v === null || typeof v === "string";

/** Exactly what mirrorLineItemSchema accepts, without its defaults applied. */
function isMirrorLine(value: unknown): value is PlainLine {
  if (typeof value !== "object" || value === null) return false;
  const l = value as Record<string, unknown>;
  return (
    typeof l.id === "string" &&
    (l.productId === null || typeof l.productId === "string") &&
    (l.variantId === null || typeof l.variantId === "string") &&
    typeof l.title === "string" &&
    optionalText(l.sku) &&
    optionalText(l.variantTitle) &&
    optionalText(l.vendor) &&
    Number.isSafeInteger(l.quantity) &&
    Number.isSafeInteger(l.priceMinor) &&
    (l.discountMinor === undefined || Number.isSafeInteger(l.discountMinor)) &&
    (l.giftCard === undefined || typeof l.giftCard === "boolean")
  );
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

/**
 * A batch's orders as plain rows, every column as text (so the driver converts nothing):
 * aggregating them into one JSON document with their line items cost PostgreSQL a third
 * more CPU (bench:backfill, a million orders: 12.1 s against 8.5–9.0 s). Timestamps come
 * in ISO style ("2025-01-02 10:00:00", UTC without a zone; the batch sets DateStyle).
 */
async function readOrders(tx: Tx, shop: string, ids: string[]): Promise<OrderJson[]> {
  const rows = await tx.rows<{ [K in keyof OrderJson]: string | null }>(
    `SELECT "id"::text AS "id", "customerId"::text AS "customerId", "currencyCode", "lineItems"::text AS "lineItems",
            "totalShippingMinor"::text AS "totalShippingMinor", "totalTaxMinor"::text AS "totalTaxMinor",
            "shopifyCreatedAt"::text AS "shopifyCreatedAt", "processedAt"::text AS "processedAt",
            "cancelledAt"::text AS "cancelledAt", "cancelReason", "financialStatus", "test"::text AS "test",
            array_to_json("discountCodes")::text AS "discountCodes",
            "totalDiscountsMinor"::text AS "totalDiscountsMinor", "subtotalMinor"::text AS "subtotalMinor"
       FROM "Order" WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[])`,
    [shop, ids],
  );
  const isoTime = (value: string | null) => (value === null ? null : value.replace(" ", "T"));
  return rows.map((r) => ({
    id: r.id!,
    customerId: r.customerId!,
    currencyCode: r.currencyCode!,
    lineItems: JSON.parse(r.lineItems!) as unknown,
    totalShippingMinor: r.totalShippingMinor!,
    totalTaxMinor: r.totalTaxMinor!,
    shopifyCreatedAt: isoTime(r.shopifyCreatedAt),
    processedAt: isoTime(r.processedAt),
    cancelledAt: isoTime(r.cancelledAt),
    cancelReason: r.cancelReason,
    financialStatus: r.financialStatus,
    test: r.test === "true",
    discountCodes: JSON.parse(r.discountCodes ?? "[]") as string[],
    totalDiscountsMinor: Number(r.totalDiscountsMinor),
    subtotalMinor: Number(r.subtotalMinor),
  }));
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

/** The status the live path would give a customer the program has not seen. */
function newMemberStatus(c: CustomerRowForCredit, context: CreditContext, program: Program): NewMember {
  if (c.deletedAt) return { status: "deleted", reason: "deletedInShopify" };
  if (c.redactedAt) return { status: "deleted", reason: "redacted" };
  const decision = membershipDecision(
    {
      tags: c.tags,
      isStaff: c.email !== null && context.staff.has(c.email.trim().toLowerCase()),
      isB2B: c.isB2B,
      optedIn: false,
    },
    program.membership,
  );
  return memberStatusFor(decision);
}

/**
 * New members with their replayed balances and tier, in one statement. Returns the ids
 * inserted: a customer missing from it was enrolled concurrently (ON CONFLICT skipped it).
 */
async function insertMembers(
  tx: Tx,
  shop: string,
  rows: (MemberUpdate & { status: MemberStatus; reason: string | null })[],
  now: Date,
): Promise<Set<bigint>> {
  if (rows.length === 0) return new Set();
  // Customers the program has not seen: normally none is a member yet, so COPY writes
  // them all; a member enrolled meanwhile sends the batch to the INSERT below.
  const at = utcText(now);
  const time = (d: Date | null) => (d ? utcText(d) : "\\N");
  const lines = rows.map((r) =>
    [
      r.customerId.toString(),
      r.status,
      copyField(r.reason),
      r.status === "active" ? utcText(r.joinedAt) : "\\N",
      r.available,
      r.pending,
      r.lifetime,
      r.redeemed,
      r.expired,
      r.ordersEarned,
      time(r.lastActivityAt),
      copyField(r.tierId),
      time(r.tierBelowSince),
      r.tierValue,
      copyField(r.nextTierId),
      r.tierRemaining,
      at,
      "t",
      at,
    ].join("\t"),
  );
  const copied = await copyIfNew(
    tx,
    `COPY "Member" ("shop", "customerId", "status", "statusReason", "enrolledAt", "availablePoints",
       "pendingPoints", "lifetimePoints", "redeemedPoints", "expiredPoints", "ordersEarned", "lastActivityAt",
       "tierId", "tierBelowSince", "tierValue", "nextTierId", "tierRemaining", "tierEvaluatedAt",
       "metafieldsDirty", "updatedAt") FROM STDIN`,
    shopRows(shop, lines),
  );
  if (copied !== null) return new Set(rows.map((r) => r.customerId));
  const created = await tx.rows<{ customerId: string }>(
    `INSERT INTO "Member" ("shop", "customerId", "status", "statusReason", "enrolledAt",
       "availablePoints", "pendingPoints", "lifetimePoints", "redeemedPoints", "expiredPoints", "ordersEarned",
       "lastActivityAt", "tierId", "tierBelowSince", "tierValue", "nextTierId", "tierRemaining",
       "tierEvaluatedAt", "metafieldsDirty", "updatedAt")
     SELECT $1, t."customerId", t."status"::"MemberStatus", t."reason",
       CASE WHEN t."status" = 'active' THEN t."joinedAt" AT TIME ZONE 'UTC' END,
       t."available", t."pending", t."lifetime", t."redeemed", t."expired", t."ordersEarned",
       t."lastActivityAt" AT TIME ZONE 'UTC', t."tierId", t."tierBelowSince" AT TIME ZONE 'UTC', t."tierValue",
       t."nextTierId", t."tierRemaining", $2::timestamptz AT TIME ZONE 'UTC', true, $2::timestamptz AT TIME ZONE 'UTC'
     FROM json_to_recordset($3::json) AS t("customerId" bigint, "status" text, "reason" text, "joinedAt" timestamptz,
       "available" int,
       "pending" int, "lifetime" int, "redeemed" int, "expired" int, "ordersEarned" int,
       "lastActivityAt" timestamptz, "tierId" text, "tierBelowSince" timestamptz, "tierValue" bigint,
       "nextTierId" text, "tierRemaining" bigint)
     ON CONFLICT ("shop", "customerId") DO NOTHING
     RETURNING "customerId"::text AS "customerId"`,
    [shop, now.toISOString(), memberJson(rows)],
  );
  return new Set(created.map((r) => BigInt(r.customerId)));
}

function memberJson(rows: readonly MemberUpdate[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      ...r,
      customerId: r.customerId.toString(),
      joinedAt: r.joinedAt.toISOString(),
      lastActivityAt: r.lastActivityAt?.toISOString() ?? null,
      tierBelowSince: r.tierBelowSince?.toISOString() ?? null,
    })),
  );
}

// The batch's entries travel by COPY straight into the ledger, inside a savepoint: the
// replay only produces keys the customer's ledger lacks, so COPY (no per-row conflict
// check, no second copy of the rows) normally writes them all. Should a key exist after
// all (an order that moved to another customer), the unique index refuses the COPY and
// the batch goes the careful way instead: COPY into a session-local staging table (no
// WAL, no indexes, emptied at commit), then INSERT … SELECT … ON CONFLICT (shop, key) DO
// NOTHING.
/** What the progress counts as points credited: earns, bonuses and their corrections (ADR 0009). */
const CREDITED_KINDS: ReadonlySet<string> = new Set(["earn", "bonus", "correction"]);
const LEDGER_COLUMNS = `"customerId", "key", "kind", "points", "bucket", "occurredAt", "availableAt", "lotKey",
  "writtenOff", "programVersion", "experimentVariants", "orderId", "redemptionId", "details"`;
const LEDGER_STAGE = `CREATE TEMP TABLE IF NOT EXISTS "backfill_ledger_stage" (
  "customerId" bigint, "key" text, "kind" "LedgerKind", "points" int, "bucket" "LedgerBucket",
  "occurredAt" timestamp, "availableAt" timestamp, "lotKey" text, "writtenOff" int,
  "programVersion" int, "experimentVariants" text[], "orderId" bigint, "redemptionId" uuid, "details" json
) ON COMMIT DELETE ROWS`;
async function insertEntries(
  tx: Tx,
  shop: string,
  rows: { customerId: bigint; entry: ReplayEntry }[],
): Promise<{ count: number; points: number }> {
  if (rows.length === 0) return { count: 0, points: 0 };
  // Key order: neighbouring keys share index pages, so the unique index is walked in order.
  const sorted = [...rows].sort((a, b) =>
    a.entry.key < b.entry.key ? -1 : a.entry.key > b.entry.key ? 1 : 0,
  );
  const lines: string[] = [];
  for (const { customerId, entry: e } of sorted)
    lines.push(
      [
        customerId.toString(),
        copyField(e.key),
        e.kind,
        e.points,
        e.bucket,
        utcText(e.occurredAt),
        e.availableAt ? utcText(e.availableAt) : "\\N",
        copyField(e.lotKey),
        copyField(e.writtenOff),
        e.programVersion,
        e.experimentVariants?.length ? copyField(arrayLiteral(e.experimentVariants)) : "\\N",
        copyField(e.orderId),
        isHistoryRedemption(e) ? historyRedemptionId(e.key) : "\\N",
        e.details === null ? "\\N" : copyField(JSON.stringify(e.details)),
      ].join("\t"),
    );

  const copied = await copyIfNew(
    tx,
    `COPY "LedgerEntry" ("shop", ${LEDGER_COLUMNS}) FROM STDIN`,
    shopRows(shop, lines),
  );
  if (copied !== null) {
    let points = 0;
    for (const { entry } of sorted) if (CREDITED_KINDS.has(entry.kind)) points += entry.points;
    return { count: copied, points };
  }
  await tx.exec(LEDGER_STAGE);
  await tx.copyFrom(`COPY "backfill_ledger_stage" FROM STDIN`, lines.join("\n") + "\n");
  const [result] = await tx.rows<{ count: number; points: number }>(
    `WITH inserted AS (
       INSERT INTO "LedgerEntry" ("shop", ${LEDGER_COLUMNS})
       SELECT $1, ${LEDGER_COLUMNS} FROM "backfill_ledger_stage"
       ON CONFLICT ("shop", "key") DO NOTHING
       RETURNING "kind", "points"
     )
     SELECT count(*)::int AS "count",
            COALESCE(sum("points") FILTER (WHERE "kind" IN ('earn', 'bonus', 'correction')), 0)::int AS "points"
     FROM inserted`,
    [shop],
  );
  return { count: result?.count ?? 0, points: result?.points ?? 0 };
}

interface MemberUpdate {
  customerId: bigint;
  /** When the member joined (joinDate); an existing member's earlier date is kept. */
  joinedAt: Date;
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
  const json = memberJson(rows);
  await tx.exec(
    `UPDATE "Member" m SET
       "availablePoints" = t."available", "pendingPoints" = t."pending", "lifetimePoints" = t."lifetime",
       "redeemedPoints" = t."redeemed", "expiredPoints" = t."expired", "ordersEarned" = t."ordersEarned",
       "lastActivityAt" = GREATEST(m."lastActivityAt", t."lastActivityAt" AT TIME ZONE 'UTC'),
       "enrolledAt" = CASE WHEN m."enrolledAt" IS NULL THEN NULL
                           ELSE LEAST(m."enrolledAt", t."joinedAt" AT TIME ZONE 'UTC') END,
       "tierId" = t."tierId", "tierBelowSince" = t."tierBelowSince" AT TIME ZONE 'UTC', "tierValue" = t."tierValue",
       "nextTierId" = t."nextTierId", "tierRemaining" = t."tierRemaining",
       "tierEvaluatedAt" = $2::timestamptz AT TIME ZONE 'UTC', "metafieldsDirty" = true,
       "updatedAt" = $2::timestamptz AT TIME ZONE 'UTC'
     FROM json_to_recordset($3::json) AS t("customerId" bigint, "joinedAt" timestamptz, "available" int,
       "pending" int, "lifetime" int,
       "redeemed" int, "expired" int, "ordersEarned" int, "lastActivityAt" timestamptz, "tierId" text,
       "tierBelowSince" timestamptz, "tierValue" bigint, "nextTierId" text, "tierRemaining" bigint)
     WHERE m."shop" = $1 AND m."customerId" = t."customerId"`,
    [shop, now.toISOString(), json],
  );
}
