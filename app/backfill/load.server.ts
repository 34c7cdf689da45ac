import type pg from "pg";
import { consentSetSql } from "~/ingest/consent";
import type { MirrorLineItem } from "~/mirror/format";
import {
  JsonlFormatError,
  parseLine,
  type BackfillResource,
  type CustomerRow,
  type OrderRow,
  type ProductRow,
  type VariantRow,
} from "./jsonl";
import {
  arrayLiteral,
  copyField,
  copyIfNew,
  inTransaction,
  shopRows,
  utcText,
  utcTimestamp,
  type SqlTx,
} from "./sql.server";

// The JSONL load: lines arrive in batches off the download stream, are grouped into
// mirror rows (an order with its line items) and written a few thousand rows per
// statement with INSERT … SELECT FROM json_to_recordset(one JSON parameter) … ON
// CONFLICT, never row by row.
// Each batch commits together with the run's line cursor and counts (two batches are
// written at once, committing in file order), so a crash loses at most the batches in
// flight and the load resumes after the last committed line. The
// upserts are keyed and skip rows a newer webhook already wrote (shopifyUpdatedAt), so
// replaying a batch or racing live ingest converges to the same mirror.

type Tx = SqlTx;

/** Root objects per transaction: big enough to amortise a round trip, small enough to keep a crash cheap. */
export const LOAD_BATCH_ROOTS = 4000;
/** Batches written concurrently (each on its own connection); commits stay in order. */
export const LOAD_PIPELINE_DEPTH = 2;

export interface LoadCounts {
  lines: number;
  customers: number;
  orders: number;
  lineItems: number;
  products: number;
}

export interface LoadTarget {
  runId: string;
  shop: string;
  shopCurrency: string;
  resource: BackfillResource;
  /** Lines already committed (the resume cursor). */
  linesLoaded: number;
}

class Batch {
  readonly customers = new Map<string, CustomerRow>();
  readonly orders = new Map<string, OrderRow>();
  readonly products = new Map<string, ProductRow>();
  readonly variants = new Map<string, VariantRow>();
  /** Children whose parent was written by an earlier batch (ungrouped JSONL). */
  readonly late: { childId: string; parentId: string; kind: string; data: MirrorLineItem }[] = [];
  lineItems = 0;
  lines = 0;

  get roots(): number {
    return this.customers.size + this.orders.size + this.products.size;
  }
}

/**
 * Loads one resource's JSONL into the mirror, resuming after `target.linesLoaded`.
 * `batches` yields the file's lines after that cursor (jsonlBatches does the skipping).
 * Returns what this call loaded.
 */
export async function loadJsonl(
  db: pg.Pool,
  target: LoadTarget,
  batches: AsyncIterable<string[]>,
  options: {
    batchRoots?: number;
    depth?: number;
    now?: () => Date;
    onFlush?: (counts: LoadCounts) => void | Promise<void>;
    /** Awaited before each batch is written (the backfill yields to real-time work here). */
    beforeBatch?: () => Promise<void>;
  } = {},
): Promise<LoadCounts> {
  const batchRoots = options.batchRoots ?? LOAD_BATCH_ROOTS;
  const now = options.now ?? (() => new Date());
  const total: LoadCounts = { lines: 0, customers: 0, orders: 0, lineItems: 0, products: 0 };
  let cursor = target.linesLoaded;
  let batch = new Batch();
  // Up to `depth` batches are written at once (parsing goes on meanwhile); each one
  // commits only after the one before it, so the cursor only ever moves forward.
  const depth = options.depth ?? LOAD_PIPELINE_DEPTH;
  const pending: Promise<void>[] = [];
  let lastCommit: Promise<void> = Promise.resolve();

  const flush = async (full: Batch) => {
    while (pending.length >= depth) await pending.shift();
    await options.beforeBatch?.();
    const from = cursor;
    cursor += full.lines;
    const commit = writeBatch(db, target, full, from, cursor, now(), lastCommit).then(async () => {
      total.lines += full.lines;
      total.customers += full.customers.size;
      total.orders += full.orders.size;
      total.products += full.products.size;
      total.lineItems += full.lineItems + full.late.length;
      await options.onFlush?.({ ...total });
    });
    // Surface a failed write at the next await rather than as an unhandled rejection.
    commit.catch(() => undefined);
    lastCommit = commit;
    pending.push(commit);
  };

  let lineNumber = target.linesLoaded;
  try {
    await readAll();
  } catch (error) {
    // Let the batch being written finish (or fail) before the caller sees the error, so
    // a retry in this process never races the previous attempt's last commit.
    await Promise.allSettled(pending);
    throw error;
  }
  if (batch.lines > 0) await flush(batch);
  await Promise.all(pending);
  return total;

  async function readAll() {
    for await (const lines of batches) {
      for (const text of lines) {
        lineNumber += 1;
        let object: unknown;
        try {
          object = JSON.parse(text);
        } catch {
          throw new JsonlFormatError(lineNumber, "is not valid JSON");
        }
        const parsed = parseLine(object, lineNumber, target.shopCurrency);
        if (
          parsed &&
          parsed.type !== "LineItem" &&
          parsed.type !== "ProductVariant" &&
          batch.roots >= batchRoots
        ) {
          await flush(batch);
          batch = new Batch();
        }
        batch.lines += 1;
        if (!parsed) continue;
        switch (parsed.type) {
          case "Customer":
            batch.customers.set(parsed.row.id, parsed.row);
            break;
          case "Product":
            batch.products.set(parsed.row.id, parsed.row);
            break;
          case "Order":
            batch.orders.set(parsed.row.id, parsed.row);
            break;
          case "ProductVariant":
            batch.variants.set(parsed.row.id, parsed.row);
            break;
          case "LineItem": {
            const order = batch.orders.get(parsed.parentId);
            if (order) {
              order.lineItems.push(parsed.row);
              batch.lineItems += 1;
            } else {
              batch.late.push({
                childId: `LineItem/${parsed.row.id}`,
                parentId: parsed.parentId,
                kind: "lineItem",
                data: parsed.row,
              });
            }
            break;
          }
        }
      }
    }
  }
}

async function writeBatch(
  db: pg.Pool,
  target: LoadTarget,
  batch: Batch,
  from: number,
  to: number,
  now: Date,
  previous: Promise<void>,
): Promise<void> {
  await inTransaction(db, async (tx) => {
    // The mirror can be rebuilt from Shopify: a crash may lose this batch, never corrupt it.
    await tx.exec(`SET LOCAL synchronous_commit = off`);
    if (batch.customers.size) await upsertCustomers(tx, target.shop, [...batch.customers.values()], now);
    if (batch.products.size) await upsertProducts(tx, target.shop, [...batch.products.values()], now);
    if (batch.variants.size) await upsertVariants(tx, target.shop, [...batch.variants.values()], now);
    if (batch.orders.size) await upsertOrders(tx, target.shop, [...batch.orders.values()], now);
    if (batch.late.length) await stageChildren(tx, target.runId, batch.late);
    // Commit in file order: the batch before this one first (its failure aborts this one).
    await previous;
    // The run row holds the cursor: a second worker on the same run finds it moved and stops here.
    const moved = await tx.exec(
      `UPDATE "BackfillRun" SET
         "linesLoaded" = $2, "customersLoaded" = "customersLoaded" + $3, "ordersLoaded" = "ordersLoaded" + $4,
         "lineItemsLoaded" = "lineItemsLoaded" + $5, "productsLoaded" = "productsLoaded" + $6,
         "updatedAt" = $7::timestamptz AT TIME ZONE 'UTC'
       WHERE "id" = $1::uuid AND "linesLoaded" = $8 AND "status" = 'running'`,
      [
        target.runId,
        to,
        batch.customers.size,
        batch.orders.size,
        batch.lineItems + batch.late.length,
        batch.products.size,
        now.toISOString(),
        from,
      ],
    );
    if (moved !== 1) throw new BackfillCursorMoved(target.runId, from);
  });
}

export class BackfillCursorMoved extends Error {
  override name = "BackfillCursorMoved";
  constructor(runId: string, from: number) {
    super(`Backfill ${runId} is no longer at line ${from}: another worker is loading it`);
  }
}

// Each batch travels as one JSON parameter and is expanded server-side with
// json_to_recordset into a multi-row INSERT … SELECT (the set-based equivalent of UNNEST
// over column arrays, without serialising every element into an array literal in JS).
const rowsJson = (rows: readonly object[]) => JSON.stringify(rows);

// Customers and orders (the bulk of a file) travel by COPY. A first install's rows are
// new, so they go straight into the mirror (copyIfNew). When a key exists already (a
// webhook got there first, a second run), they go into a session-local staging table
// (no WAL, no indexes, emptied at commit) and are upserted from it in one INSERT …
// SELECT … ON CONFLICT. COPY's text format costs the server far less than expanding a
// JSON document of the same rows, and line items are parsed once, as jsonb.
const CUSTOMER_STAGE = `CREATE TEMP TABLE IF NOT EXISTS "backfill_customer_stage" (
  "id" bigint, "email" text, "phone" text, "firstName" text, "lastName" text, "tags" text[], "state" text,
  "emailConsent" boolean, "smsConsent" boolean, "emailConsentAt" timestamp, "smsConsentAt" timestamp, "ordersCount" int, "amountSpentMinor" bigint, "currencyCode" text,
  "shopifyCreatedAt" timestamp, "shopifyUpdatedAt" timestamp
) ON COMMIT DELETE ROWS`;
const CUSTOMER_COLUMNS = `"id", "email", "phone", "firstName", "lastName", "tags", "state", "emailConsent", "smsConsent",
  "emailConsentAt", "smsConsentAt", "ordersCount", "amountSpentMinor", "currencyCode", "shopifyCreatedAt", "shopifyUpdatedAt"`;

async function upsertCustomers(tx: Tx, shop: string, rows: CustomerRow[], now: Date) {
  const lines = rows.map((r) =>
    [
      r.id,
      copyField(r.email),
      copyField(r.phone),
      copyField(r.firstName),
      copyField(r.lastName),
      copyField(arrayLiteral(r.tags)),
      copyField(r.state),
      r.emailConsent,
      r.smsConsent,
      copyField(utcTimestamp(r.emailConsentAt)),
      copyField(utcTimestamp(r.smsConsentAt)),
      r.ordersCount,
      r.amountSpentMinor,
      copyField(r.currencyCode),
      copyField(utcTimestamp(r.shopifyCreatedAt)),
      copyField(utcTimestamp(r.shopifyUpdatedAt)),
    ].join("\t"),
  );
  const copied = await copyIfNew(
    tx,
    `COPY "Customer" ("shop", ${CUSTOMER_COLUMNS}, "syncedAt") FROM STDIN`,
    keyed(shop, lines, now),
  );
  if (copied !== null) return;
  await tx.exec(CUSTOMER_STAGE);
  await tx.copyFrom(`COPY "backfill_customer_stage" FROM STDIN`, copyText(lines));
  await tx.exec(
    `INSERT INTO "Customer" ("shop", ${CUSTOMER_COLUMNS}, "syncedAt")
     SELECT $1, ${CUSTOMER_COLUMNS}, $2::timestamptz AT TIME ZONE 'UTC' FROM "backfill_customer_stage" t
     ON CONFLICT ("shop", "id") DO UPDATE SET
       "email" = EXCLUDED."email", "phone" = EXCLUDED."phone", "firstName" = EXCLUDED."firstName",
       "lastName" = EXCLUDED."lastName", "tags" = EXCLUDED."tags", "state" = EXCLUDED."state",
       ${consentSetSql("email")},
       ${consentSetSql("sms")},
       "ordersCount" = EXCLUDED."ordersCount",
       "amountSpentMinor" = EXCLUDED."amountSpentMinor", "currencyCode" = EXCLUDED."currencyCode",
       "shopifyCreatedAt" = EXCLUDED."shopifyCreatedAt", "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt",
       "syncedAt" = EXCLUDED."syncedAt"
     WHERE "Customer"."redactedAt" IS NULL
       AND ("Customer"."shopifyUpdatedAt" IS NULL OR "Customer"."shopifyUpdatedAt" <= EXCLUDED."shopifyUpdatedAt")`,
    [shop, now.toISOString()],
  );
}

async function upsertProducts(tx: Tx, shop: string, rows: ProductRow[], now: Date) {
  await tx.exec(
    `INSERT INTO "Product" ("shop", "id", "title", "handle", "description", "productType", "vendor", "tags", "status",
       "shopifyUpdatedAt", "syncedAt")
     SELECT $1, t."id", t."title", t."handle", t."description", t."productType", t."vendor", COALESCE(t."tags", '{}'), t."status",
       t."shopifyUpdatedAt" AT TIME ZONE 'UTC', $2::timestamptz AT TIME ZONE 'UTC'
     FROM json_to_recordset($3::json) AS t("id" bigint, "title" text, "handle" text, "description" text, "productType" text,
       "vendor" text, "tags" text[], "status" text, "shopifyUpdatedAt" timestamptz)
     ON CONFLICT ("shop", "id") DO UPDATE SET
       "title" = EXCLUDED."title", "handle" = EXCLUDED."handle", "description" = EXCLUDED."description",
       "productType" = EXCLUDED."productType",
       "vendor" = EXCLUDED."vendor", "tags" = EXCLUDED."tags", "status" = EXCLUDED."status",
       "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "syncedAt" = EXCLUDED."syncedAt"
     WHERE "Product"."shopifyUpdatedAt" IS NULL OR "Product"."shopifyUpdatedAt" <= EXCLUDED."shopifyUpdatedAt"`,
    [shop, now.toISOString(), rowsJson(rows)],
  );
}

async function upsertVariants(tx: Tx, shop: string, rows: VariantRow[], now: Date) {
  await tx.exec(
    `INSERT INTO "ProductVariant" ("shop", "id", "productId", "title", "sku", "priceMinor", "inventoryQuantity",
       "unitCostMinor", "syncedAt")
     SELECT $1, t."id", t."productId", t."title", t."sku", t."priceMinor", t."inventoryQuantity", t."unitCostMinor",
       $2::timestamptz AT TIME ZONE 'UTC'
     FROM json_to_recordset($3::json) AS t("id" bigint, "productId" bigint, "title" text, "sku" text,
       "priceMinor" bigint, "inventoryQuantity" integer, "unitCostMinor" bigint)
     ON CONFLICT ("shop", "id") DO UPDATE SET
       "productId" = EXCLUDED."productId", "title" = EXCLUDED."title", "sku" = EXCLUDED."sku",
       "priceMinor" = EXCLUDED."priceMinor", "inventoryQuantity" = EXCLUDED."inventoryQuantity",
       "unitCostMinor" = EXCLUDED."unitCostMinor", "syncedAt" = EXCLUDED."syncedAt"`,
    [shop, now.toISOString(), rowsJson(rows)],
  );
}

const ORDER_STAGE = `CREATE TEMP TABLE IF NOT EXISTS "backfill_order_stage" (
  "id" bigint, "customerId" bigint, "name" text, "email" text, "currencyCode" text, "subtotalMinor" bigint,
  "totalMinor" bigint, "totalDiscountsMinor" bigint, "totalShippingMinor" bigint, "totalTaxMinor" bigint,
  "financialStatus" text, "discountCodes" text[], "lineItems" jsonb, "processedAt" timestamp,
  "cancelledAt" timestamp, "tags" text[], "test" boolean, "sourceName" text,
  "shopifyCreatedAt" timestamp, "shopifyUpdatedAt" timestamp
) ON COMMIT DELETE ROWS`;
const ORDER_COLUMNS = `"id", "customerId", "name", "email", "currencyCode", "subtotalMinor", "totalMinor",
  "totalDiscountsMinor", "totalShippingMinor", "totalTaxMinor", "financialStatus", "discountCodes", "lineItems",
  "processedAt", "cancelledAt", "tags", "test", "sourceName", "shopifyCreatedAt", "shopifyUpdatedAt"`;

async function upsertOrders(tx: Tx, shop: string, rows: OrderRow[], now: Date) {
  const lines = rows.map((r) =>
    [
      r.id,
      copyField(r.customerId),
      copyField(r.name),
      copyField(r.email),
      copyField(r.currencyCode),
      r.subtotalMinor,
      r.totalMinor,
      r.totalDiscountsMinor,
      r.totalShippingMinor,
      r.totalTaxMinor,
      copyField(r.financialStatus),
      copyField(arrayLiteral(r.discountCodes)),
      copyField(JSON.stringify(r.lineItems)),
      copyField(utcTimestamp(r.processedAt)),
      copyField(utcTimestamp(r.cancelledAt)),
      copyField(arrayLiteral(r.tags)),
      r.test,
      copyField(r.sourceName),
      copyField(utcTimestamp(r.shopifyCreatedAt)),
      copyField(utcTimestamp(r.shopifyUpdatedAt)),
    ].join("\t"),
  );
  const copied = await copyIfNew(
    tx,
    `COPY "Order" ("shop", ${ORDER_COLUMNS}, "syncedAt") FROM STDIN`,
    keyed(shop, lines, now),
  );
  if (copied !== null) return;
  await tx.exec(ORDER_STAGE);
  await tx.copyFrom(`COPY "backfill_order_stage" FROM STDIN`, copyText(lines));
  await tx.exec(
    `INSERT INTO "Order" ("shop", ${ORDER_COLUMNS}, "syncedAt")
     SELECT $1, ${ORDER_COLUMNS}, $2::timestamptz AT TIME ZONE 'UTC'
     FROM "backfill_order_stage" t
     ON CONFLICT ("shop", "id") DO UPDATE SET
       "customerId" = COALESCE(EXCLUDED."customerId", "Order"."customerId"), "name" = EXCLUDED."name",
       "email" = EXCLUDED."email", "currencyCode" = EXCLUDED."currencyCode", "subtotalMinor" = EXCLUDED."subtotalMinor",
       "totalMinor" = EXCLUDED."totalMinor", "totalDiscountsMinor" = EXCLUDED."totalDiscountsMinor",
       "totalShippingMinor" = EXCLUDED."totalShippingMinor", "totalTaxMinor" = EXCLUDED."totalTaxMinor",
       "financialStatus" = EXCLUDED."financialStatus", "discountCodes" = EXCLUDED."discountCodes",
       "lineItems" = EXCLUDED."lineItems", "processedAt" = EXCLUDED."processedAt",
       "cancelledAt" = EXCLUDED."cancelledAt", "tags" = EXCLUDED."tags", "test" = EXCLUDED."test",
       "sourceName" = EXCLUDED."sourceName", "shopifyCreatedAt" = EXCLUDED."shopifyCreatedAt",
       "shopifyUpdatedAt" = EXCLUDED."shopifyUpdatedAt", "syncedAt" = EXCLUDED."syncedAt"
     WHERE "Order"."shopifyUpdatedAt" IS NULL OR "Order"."shopifyUpdatedAt" <= EXCLUDED."shopifyUpdatedAt"`,
    [shop, now.toISOString()],
  );
}

const copyText = (lines: string[]) => lines.join("\n") + "\n";

/** COPY input for a mirror table: the shop first, the sync time last. */
const keyed = (shop: string, lines: string[], syncedAt: Date) => shopRows(shop, lines, utcText(syncedAt));

async function stageChildren(tx: Tx, runId: string, rows: Batch["late"]) {
  await tx.exec(
    `INSERT INTO "BackfillChild" ("runId", "childId", "parentId", "kind", "data")
     SELECT $1::uuid, t."childId", t."parentId", t."kind", t."data"
     FROM json_to_recordset($2::json) AS t("childId" text, "parentId" bigint, "kind" text, "data" jsonb)
     ON CONFLICT ("runId", "childId") DO NOTHING`,
    [runId, rowsJson(rows)],
  );
}

/**
 * Appends staged line items to their orders (skipping any the order already has, as a
 * webhook may have written it whole) and empties the staging rows, in one transaction.
 */
export async function mergeStagedChildren(tx: Tx, runId: string, shop: string): Promise<number> {
  const merged = await tx.exec(
    `WITH agg AS (
       SELECT "parentId", jsonb_agg("data" ORDER BY "childId") AS items
       FROM "BackfillChild" WHERE "runId" = $1::uuid AND "kind" = 'lineItem'
       GROUP BY "parentId"
     )
     UPDATE "Order" o SET "lineItems" = o."lineItems" || COALESCE((
       SELECT jsonb_agg(x) FROM jsonb_array_elements(agg.items) x
       WHERE NOT o."lineItems" @> jsonb_build_array(jsonb_build_object('id', x->'id'))
     ), '[]'::jsonb)
     FROM agg WHERE o."shop" = $2 AND o."id" = agg."parentId"`,
    [runId, shop],
  );
  await tx.exec(`DELETE FROM "BackfillChild" WHERE "runId" = $1::uuid`, [runId]);
  return merged;
}
