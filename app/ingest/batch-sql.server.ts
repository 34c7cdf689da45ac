import type pg from "pg";
import { QUALIFYING_KINDS, type LedgerEntry } from "~/loyalty/ledger";
import type { TiersConfig } from "~/loyalty/program-tiers";
import { PAID_STATUSES } from "~/loyalty/services/orders.server";
import type { QualifyingEvent } from "~/loyalty/tiers";
import { ORDER_UPSERT_CONFLICT } from "./mirror.server";
import type { OrderMirror } from "./to-mirror";

// The webhook batch's statements (batch.server.ts): what it reads beyond the claim, and
// each table's write as one statement with a JSON parameter.

export type Client = pg.PoolClient;

export async function rows<T>(c: Client, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await c.query(sql, params)).rows as T[];
}

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export interface MemberRow {
  customerId: bigint;
  status: string;
  statusReason: string | null;
  enrolledAt: Date | null;
  optedInAt: Date | null;
  availablePoints: number;
  pendingPoints: number;
  lifetimePoints: number;
  redeemedPoints: number;
  expiredPoints: number;
  ordersEarned: number;
  lastActivityAt: Date | null;
  tierId: string | null;
  tierBelowSince: Date | null;
  migratedTierId: string | null;
  migratedTierUntil: Date | null;
  tierValue: bigint;
  nextTierId: string | null;
  tierRemaining: bigint;
  tierEvaluatedAt: Date | null;
  metafieldsDirty: boolean;
}

export interface NewEntry extends LedgerEntry {
  customerId: bigint;
  orderId: bigint | null;
  details: unknown;
}

export interface NewEvent {
  customerId: bigint;
  type: string;
  key: string;
  payload: unknown;
  occurredAt: Date;
}

/** Runs queries one after another on the one connection (node-postgres would queue them anyway). */
export async function inTurn<const T extends readonly (() => unknown)[]>(
  steps: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const out: unknown[] = [];
  for (const step of steps) out.push(await step());
  return out as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

export const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
/** Merchandise net of discounts, gift cards excluded: what tiers.server.ts counts as spend. */
export function spendOf(order: OrderMirror): number {
  let sum = 0;
  for (const l of order.lineItems) {
    if (l.giftCard) continue;
    const gross = Math.trunc(l.priceMinor) * Math.max(0, Math.trunc(l.quantity));
    sum += Math.max(0, gross - Math.trunc(l.discountMinor ?? 0));
  }
  return sum;
}

/**
 * Each member's qualifying history as tiers.server.ts reads it: spend and orders from the
 * mirrored paid, non-test orders and their refunds (spend computed in SQL with the same
 * arithmetic), or points from the ledger; keyed by source so a batch order can replace
 * its earlier copy.
 */
export async function loadHistory(
  c: Client,
  shop: string,
  customerIds: bigint[],
  basis: TiersConfig["basis"],
): Promise<Map<bigint, Map<string, QualifyingEvent[]>>> {
  const out = new Map(customerIds.map((id) => [id, new Map<string, QualifyingEvent[]>()]));
  const ids = customerIds.map(String);
  if (customerIds.length === 0) return out;
  if (basis === "points") {
    const ledger = await rows<{ customerId: bigint; key: string; occurredAt: Date; points: number }>(
      c,
      `SELECT "customerId", "key", "occurredAt", "points" FROM "LedgerEntry"
       WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[]) AND "kind"::text = ANY($3::text[])`,
      [shop, ids, [...QUALIFYING_KINDS]],
    );
    for (const e of ledger)
      out
        .get(e.customerId)!
        .set(`ledger:${e.key}`, [{ at: e.occurredAt, spendMinor: 0, points: e.points, orders: 0 }]);
    return out;
  }
  // Spend needs every line item of every order; an order's spend is cached by its tuple
  // version (xmin changes with every write to the row), so only new versions are summed.
  const history = await rows<{
    customerId: bigint;
    orderId: bigint;
    kind: "order" | "refund";
    at: Date | null;
    cancelledAt: Date | null;
    spend: string | null;
    xmin: string | null;
  }>(
    c,
    `WITH o AS (
       SELECT "customerId", "id", COALESCE("shopifyCreatedAt", "processedAt") AS at, "cancelledAt", xmin::text AS xmin
       FROM "Order"
       WHERE "shop" = $1 AND "customerId" = ANY($2::bigint[]) AND "test" = false
         AND "financialStatus" = ANY($3::text[]))
     SELECT o."customerId", o."id" AS "orderId", 'order' AS kind, o.at, o."cancelledAt", NULL AS spend, o.xmin
     FROM o
     UNION ALL
     SELECT o."customerId", r."orderId", 'refund', COALESCE(r."processedAt", r."shopifyCreatedAt"), NULL,
       (SELECT COALESCE(sum((l->>'subtotalMinor')::numeric), 0) FROM jsonb_array_elements(r."lineItems") AS l)::text,
       NULL
     FROM "Refund" r JOIN o ON r."orderId" = o."id"
     WHERE r."shop" = $1`,
    [shop, ids, [...PAID_STATUSES]],
  );
  const spendKey = (orderId: bigint) => `${shop}:${orderId}`;
  const missing = history.filter(
    (h) => h.kind === "order" && spendCache.get(spendKey(h.orderId))?.xmin !== h.xmin,
  );
  if (missing.length) {
    const summed = await rows<{ id: bigint; xmin: string; spend: string }>(
      c,
      `SELECT o."id", o.xmin::text AS xmin,
         (SELECT COALESCE(sum(GREATEST(0, trunc((l->>'priceMinor')::numeric) * GREATEST(0, trunc((l->>'quantity')::numeric))
                   - trunc(COALESCE((l->>'discountMinor')::numeric, 0)))), 0)
          FROM jsonb_array_elements(o."lineItems") AS l
          WHERE NOT COALESCE((l->>'giftCard')::boolean, false))::text AS spend
       FROM "Order" o WHERE o."shop" = $1 AND o."id" = ANY($2::bigint[])`,
      [shop, missing.map((h) => h.orderId.toString())],
    );
    for (const r of summed) rememberSpend(spendKey(r.id), r.xmin, Number(r.spend));
  }
  for (const h of history) {
    if (!h.at) continue;
    const events = out.get(h.customerId)!;
    const key = `order:${h.orderId}`;
    const list = events.get(key) ?? [];
    if (h.kind === "order") {
      // Possibly summed from a newer version than the first read saw: the latest committed one.
      const cached = spendCache.get(spendKey(h.orderId));
      if (!cached) throw new Error(`Order ${h.orderId} vanished while its member's history was read`);
      list.push({ at: h.at, spendMinor: cached.spend, points: 0, orders: 1 });
      if (h.cancelledAt) list.push({ at: h.cancelledAt, spendMinor: 0, points: 0, orders: -1 });
    } else {
      list.push({ at: h.at, spendMinor: -Number(h.spend), points: 0, orders: 0 });
    }
    events.set(key, list);
  }
  return out;
}

/** Merchandise spend per order tuple version (`xmin`), shared by the process's batches. */
const spendCache = new Map<string, { xmin: string; spend: number }>();
const SPEND_CACHE_MAX = 500_000;

function rememberSpend(key: string, xmin: string, spend: number) {
  if (spendCache.size >= SPEND_CACHE_MAX) spendCache.clear();
  spendCache.set(key, { xmin, spend });
}

/** The mirror as the order statements' JSON parameter carries it (`ORDER_RECORD` reads it back). */
function orderRecords(orders: readonly (OrderMirror & { customerId: bigint })[]) {
  return orders.map((o) => ({
    id: o.id.toString(),
    customerId: o.customerId.toString(),
    name: o.name,
    email: o.email,
    currencyCode: o.currencyCode,
    subtotalMinor: o.subtotalMinor.toString(),
    totalMinor: o.totalMinor.toString(),
    totalDiscountsMinor: o.totalDiscountsMinor.toString(),
    totalShippingMinor: o.totalShippingMinor.toString(),
    totalTaxMinor: o.totalTaxMinor.toString(),
    financialStatus: o.financialStatus,
    discountCodes: o.discountCodes,
    lineItems: o.lineItems,
    shippingAddress: o.shippingAddress,
    billingAddress: o.billingAddress,
    processedAt: iso(o.processedAt),
    cancelledAt: iso(o.cancelledAt),
    cancelReason: o.cancelReason,
    tags: o.tags,
    test: o.test,
    sourceName: o.sourceName,
    companyId: o.companyId?.toString() ?? null,
    shopifyCreatedAt: iso(o.shopifyCreatedAt),
    shopifyUpdatedAt: iso(o.shopifyUpdatedAt),
  }));
}

/** The columns of `orderRecords` as stored (the JSON arrays and nulls as the columns hold them). */
const ORDER_VALUES = `v."customerId", v."name", v."email", v."currencyCode", v."subtotalMinor",
      v."totalMinor", v."totalDiscountsMinor", v."totalShippingMinor", v."totalTaxMinor", v."financialStatus",
      ARRAY(SELECT jsonb_array_elements_text(v."discountCodes")), v."lineItems",
      NULLIF(v."shippingAddress", 'null'::jsonb), NULLIF(v."billingAddress", 'null'::jsonb),
      v."processedAt", v."cancelledAt", v."cancelReason", ARRAY(SELECT jsonb_array_elements_text(v."tags")),
      v."test", v."sourceName", v."companyId", v."shopifyCreatedAt", v."shopifyUpdatedAt"`;
const ORDER_RECORD = `jsonb_to_recordset($2::jsonb) AS v("id" bigint, "customerId" bigint, "name" text, "email" text,
      "currencyCode" text, "subtotalMinor" bigint, "totalMinor" bigint, "totalDiscountsMinor" bigint,
      "totalShippingMinor" bigint, "totalTaxMinor" bigint, "financialStatus" text, "discountCodes" jsonb,
      "lineItems" jsonb, "shippingAddress" jsonb, "billingAddress" jsonb, "processedAt" timestamp,
      "cancelledAt" timestamp, "cancelReason" text, "tags" jsonb, "test" boolean, "sourceName" text,
      "companyId" bigint, "shopifyCreatedAt" timestamp, "shopifyUpdatedAt" timestamp)`;

export async function upsertOrders(
  c: Client,
  shop: string,
  orders: readonly (OrderMirror & { customerId: bigint })[],
  now: Date,
) {
  const spend = new Map(orders.map((order) => [order.id, spendOf(order)]));
  const data = orderRecords(orders);
  const written = await c.query(
    `INSERT INTO "Order" ("shop", "id", "customerId", "name", "email", "currencyCode", "subtotalMinor",
      "totalMinor", "totalDiscountsMinor", "totalShippingMinor", "totalTaxMinor", "financialStatus",
      "discountCodes", "lineItems", "shippingAddress", "billingAddress", "processedAt", "cancelledAt",
      "cancelReason", "tags", "test", "sourceName", "companyId", "shopifyCreatedAt", "shopifyUpdatedAt",
      "syncedAt")
    SELECT $1, v."id", ${ORDER_VALUES}, $3::timestamp
    FROM ${ORDER_RECORD}
    ${ORDER_UPSERT_CONFLICT}
    RETURNING "id", xmin::text AS xmin`,
    [shop, JSON.stringify(data), iso(now)],
  );
  // This transaction's versions: if it rolls back, no committed row ever carries its xmin.
  for (const row of written.rows as { id: bigint; xmin: string }[])
    rememberSpend(`${shop}:${row.id}`, row.xmin, spend.get(row.id)!);
}

/**
 * The orders whose stored copy already says exactly what `orders` say, column for column
 * (jsonb compared as values): a delivery of one of them would write the same row again.
 */
export async function storedAlready(
  c: Client,
  shop: string,
  orders: readonly (OrderMirror & { customerId: bigint })[],
): Promise<Set<bigint>> {
  if (orders.length === 0) return new Set();
  const same = await rows<{ id: bigint }>(
    c,
    `SELECT o."id" FROM ${ORDER_RECORD}
       JOIN "Order" o ON o."shop" = $1 AND o."id" = v."id"
     WHERE (o."customerId", o."name", o."email", o."currencyCode", o."subtotalMinor", o."totalMinor",
            o."totalDiscountsMinor", o."totalShippingMinor", o."totalTaxMinor", o."financialStatus",
            o."discountCodes", o."lineItems", o."shippingAddress", o."billingAddress", o."processedAt",
            o."cancelledAt", o."cancelReason", o."tags", o."test", o."sourceName", o."companyId",
            o."shopifyCreatedAt", o."shopifyUpdatedAt")
       IS NOT DISTINCT FROM (${ORDER_VALUES})`,
    [shop, JSON.stringify(orderRecords(orders))],
  );
  return new Set(same.map((r) => r.id));
}

export async function insertEntries(c: Client, shop: string, entries: NewEntry[]) {
  if (entries.length === 0) return;
  const data = entries.map((e) => ({
    customerId: e.customerId.toString(),
    key: e.key,
    kind: e.kind,
    points: e.points,
    bucket: e.bucket,
    occurredAt: iso(e.occurredAt),
    availableAt: iso(e.availableAt),
    lotKey: e.lotKey ?? null,
    writtenOff: e.writtenOff ?? null,
    programVersion: e.programVersion,
    experimentVariants: e.experimentVariants?.length ? e.experimentVariants : null,
    orderId: e.orderId?.toString() ?? null,
    details: e.details ?? null,
  }));
  const written = await rows<{ key: string }>(
    c,
    `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt",
       "availableAt", "lotKey", "writtenOff", "programVersion", "experimentVariants", "orderId", "details")
     SELECT $1, v."customerId", v."key", v."kind"::"LedgerKind", v."points", v."bucket"::"LedgerBucket",
       v."occurredAt", v."availableAt", v."lotKey", v."writtenOff", v."programVersion", v."experimentVariants",
       v."orderId", NULLIF(v."details", 'null'::jsonb)
     FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS ("customerId" bigint, "key" text, "kind" text,
       "points" int, "bucket" text, "occurredAt" timestamp, "availableAt" timestamp, "lotKey" text,
       "writtenOff" int, "programVersion" int, "experimentVariants" text[], "orderId" bigint, "details" jsonb))
       WITH ORDINALITY AS v("customerId", "key", "kind", "points", "bucket", "occurredAt", "availableAt", "lotKey",
         "writtenOff", "programVersion", "experimentVariants", "orderId", "details", ord)
     ORDER BY v.ord
     ON CONFLICT ("shop", "key") DO NOTHING
     RETURNING "key"`,
    [shop, JSON.stringify(data)],
  );
  // Every key was checked free under the locks this transaction holds; anything else is a bug.
  if (written.length !== entries.length)
    throw new Error(`Batch ledger insert wrote ${written.length} of ${entries.length} entries`);
}

export async function updateMembers(c: Client, shop: string, members: MemberRow[]) {
  if (members.length === 0) return;
  const data = members.map((m) => ({
    customerId: m.customerId.toString(),
    availablePoints: m.availablePoints,
    pendingPoints: m.pendingPoints,
    lifetimePoints: m.lifetimePoints,
    redeemedPoints: m.redeemedPoints,
    expiredPoints: m.expiredPoints,
    ordersEarned: m.ordersEarned,
    lastActivityAt: iso(m.lastActivityAt),
    tierId: m.tierId,
    tierBelowSince: iso(m.tierBelowSince),
    tierValue: m.tierValue.toString(),
    nextTierId: m.nextTierId,
    tierRemaining: m.tierRemaining.toString(),
    tierEvaluatedAt: iso(m.tierEvaluatedAt),
    metafieldsDirty: m.metafieldsDirty,
  }));
  await c.query(
    `UPDATE "Member" m SET "availablePoints" = v."availablePoints", "pendingPoints" = v."pendingPoints",
       "lifetimePoints" = v."lifetimePoints", "redeemedPoints" = v."redeemedPoints",
       "expiredPoints" = v."expiredPoints", "ordersEarned" = v."ordersEarned",
       "lastActivityAt" = v."lastActivityAt", "tierId" = v."tierId", "tierBelowSince" = v."tierBelowSince",
       "tierValue" = v."tierValue", "nextTierId" = v."nextTierId", "tierRemaining" = v."tierRemaining",
       "tierEvaluatedAt" = v."tierEvaluatedAt", "metafieldsDirty" = v."metafieldsDirty",
       "updatedAt" = $3::timestamp
     FROM jsonb_to_recordset($2::jsonb) AS v("customerId" bigint, "availablePoints" int, "pendingPoints" int,
       "lifetimePoints" int, "redeemedPoints" int, "expiredPoints" int, "ordersEarned" int,
       "lastActivityAt" timestamp, "tierId" text, "tierBelowSince" timestamp, "tierValue" bigint,
       "nextTierId" text, "tierRemaining" bigint, "tierEvaluatedAt" timestamp, "metafieldsDirty" boolean)
     WHERE m."shop" = $1 AND m."customerId" = v."customerId"`,
    [shop, JSON.stringify(data), new Date().toISOString()],
  );
}

export async function insertEvents(c: Client, shop: string, events: NewEvent[]) {
  if (events.length === 0) return;
  const data = events.map((e) => ({
    customerId: e.customerId.toString(),
    type: e.type,
    key: e.key,
    payload: e.payload,
    occurredAt: iso(e.occurredAt),
  }));
  await c.query(
    `INSERT INTO "LoyaltyEvent" ("shop", "customerId", "type", "key", "payload", "occurredAt")
     SELECT $1, v."customerId", v."type", v."key", v."payload", v."occurredAt"
     FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS ("customerId" bigint, "type" text, "key" text,
       "payload" jsonb, "occurredAt" timestamp)) WITH ORDINALITY
       AS v("customerId", "type", "key", "payload", "occurredAt", ord)
     ORDER BY v.ord
     ON CONFLICT ("shop", "key") DO NOTHING`,
    [shop, JSON.stringify(data)],
  );
}

/** Marks the batch's rows processed. */
export async function markProcessed(c: Client, ids: string[], now: Date) {
  await c.query(
    `UPDATE "WebhookEvent" SET "status" = 'processed', "processedAt" = $2::timestamp,
       "attempts" = "attempts" + 1, "lastError" = NULL
     WHERE "id" = ANY($1::uuid[])`,
    [ids, iso(now)],
  );
}
