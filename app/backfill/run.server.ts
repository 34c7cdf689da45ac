import type pg from "pg";
import type { PrismaClient } from "~/db.server";
import type { BackfillRun } from "~/generated/prisma/client";
import { logger } from "~/logger.server";
import { memberProgramsOverTime } from "~/loyalty/services/member-program.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import {
  BulkOperationError,
  currentBulkOperation,
  jsonlBatches,
  orderIdRange,
  startBulkQuery,
  waitForBulkOperation,
  type PollOptions,
} from "~/shopify/bulk.server";
import { ShopifyUserError, type AdminGraphql } from "~/shopify/graphql.server";
import { creditBatch, creditContext, nextCustomerIds, type CreditHooks } from "./credit.server";
import { bulkQuery, orderSliceFilter, planOrderSlices, RESOURCES, type BackfillResource } from "./jsonl";
import { loadJsonl, mergeStagedChildren } from "./load.server";
import { backfillPool, inTransaction } from "./sql.server";

// One backfill run, phase by phase, each resumable from what the run row recorded:
//   export  bulk query per resource (products, customers, orders): start it once (its id
//           is stored before polling, so a restarted worker polls the same operation).
//           A large shop's orders come in slices of their id range, and the next
//           slice's export is started as soon as this one's file is ready, so Shopify
//           exports while the app loads.
//   load    stream its JSONL into the mirror from the committed line cursor
//   credit  members and, if the merchant chose so, the ledger replay of history, a batch
//           of customers at a time from the committed customer cursor
// A job that dies anywhere re-runs this function; every step either finds its work
// recorded as done or redoes it idempotently.

export interface BackfillDeps {
  db: PrismaClient;
  /** Connections for the bulk statements (default: a small pool on DATABASE_URL). */
  pool?: pg.Pool;
  graphql: AdminGraphql;
  now?: () => Date;
  poll?: PollOptions;
  fetch?: typeof fetch;
  /** Root objects per load transaction and customers per credit transaction (tests, tuning). */
  loadBatchRoots?: number;
  creditBatchCustomers?: number;
  /** Orders per export slice (default ORDERS_PER_SLICE). */
  ordersPerSlice?: number;
  /** Test seams inside each credit batch. */
  creditHooks?: CreditHooks;
  /** Runs once the run completes (the dashboard aggregates need a full refresh). */
  afterCompleted?: (shop: string) => Promise<void>;
  /**
   * Awaited before each load and credit batch: the worker's waits while real-time webhook
   * work is backed up (bounded, so the run always advances; workers/backfill-yield.ts).
   */
  yieldToRealtime?: () => Promise<void>;
}

const ACTIVE = ["queued", "running"] as const;
const CREDIT_PIPELINE_DEPTH = 2;

/** The shop's latest run, for the admin card. */
export function latestBackfill(db: PrismaClient, shop: string): Promise<BackfillRun | null> {
  return db.backfillRun.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } });
}

/**
 * Creates a run unless one is queued or running (that one is returned, and `created`
 * is false). The caller enqueues the job with the run id as job id.
 */
export async function createBackfillRun(
  db: PrismaClient,
  shop: string,
  options: {
    historyEarnsPoints: boolean;
    trigger: "install" | "merchant" | "bench";
    /** Prefixes of a previous app's reward codes (history-redemptions.ts). */
    redemptionCodePrefixes?: readonly string[];
  },
): Promise<{ run: BackfillRun; created: boolean }> {
  return db.$transaction(async (tx) => {
    // One run at a time per shop: serialise on the shop row.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`backfill:${shop}`}))`;
    const active = await tx.backfillRun.findFirst({
      where: { shop, status: { in: [...ACTIVE] } },
      orderBy: { createdAt: "desc" },
    });
    if (active) return { run: active, created: false };
    const run = await tx.backfillRun.create({
      data: {
        shop,
        historyEarnsPoints: options.historyEarnsPoints,
        redemptionCodePrefixes: [...(options.redemptionCodePrefixes ?? [])],
        trigger: options.trigger,
        resource: RESOURCES[0],
      },
    });
    return { run, created: true };
  });
}

export async function runBackfill(runId: string, deps: BackfillDeps): Promise<BackfillRun> {
  const { db } = deps;
  const pool = deps.pool ?? backfillPool();
  const now = deps.now ?? (() => new Date());
  let run = await db.backfillRun.findUniqueOrThrow({ where: { id: runId } });
  if (run.status === "completed") return run;
  run = await db.backfillRun.update({
    where: { id: runId },
    data: { status: "running", attempts: { increment: 1 }, startedAt: run.startedAt ?? now(), error: null },
  });
  const log = logger().child({ shop: run.shop, backfill: run.id });
  const shopRow = await db.shop.findUnique({ where: { domain: run.shop }, select: { currencyCode: true } });
  const shopCurrency = shopRow?.currencyCode ?? "USD";

  while (run.phase === "export" || run.phase === "load") {
    const resource = (run.resource ?? RESOURCES[0]) as BackfillResource;
    if (run.phase === "export") {
      if (resource === "orders" && run.slice === 0 && !run.bulkOperationId)
        run = await sliceOrders(run, deps);
      run = await exportResource(run, resource, deps);
    }
    if (run.phase === "load") {
      if (resource === "orders" && run.slice < run.orderSlices.length && !run.nextBulkOperationId) {
        const next = await startOrAdopt(deps.graphql, sliceQuery(run.orderSlices, run.slice + 1));
        run = await db.backfillRun.update({ where: { id: runId }, data: { nextBulkOperationId: next } });
      }
      if (run.fileUrl) {
        const started = performance.now();
        const counts = await loadJsonl(
          pool,
          { runId, shop: run.shop, shopCurrency, resource, linesLoaded: Number(run.linesLoaded) },
          jsonlBatches(run.fileUrl, { skipLines: Number(run.linesLoaded), fetch: deps.fetch }),
          { now, batchRoots: deps.loadBatchRoots, beforeBatch: deps.yieldToRealtime },
        );
        log.info(
          { resource, slice: run.slice, ...counts, ms: Math.round(performance.now() - started) },
          "Backfill loaded",
        );
      }
      await nextResource(pool, run, resource, now());
      run = await db.backfillRun.findUniqueOrThrow({ where: { id: runId } });
    }
  }

  if (run.phase === "credit") {
    if (run.programVersion === null) {
      // Fresh statistics after the bulk load: the credit's lookups by customer plan on them.
      await pool.query(`ANALYZE "Customer", "Order", "Refund", "Member", "LedgerEntry"`);
      const { version } = await currentProgramVersion(db, run.shop);
      const customersTotal = await db.customer.count({ where: { shop: run.shop } });
      run = await db.backfillRun.update({
        where: { id: runId },
        data: { programVersion: version, customersTotal },
      });
    }
    // Each order is credited under the program live when it was placed (up to the pinned
    // version) and the experiments in force then.
    const programs = await memberProgramsOverTime(db, run.shop, run.programVersion!);
    if (!programs) throw new Error(`Program version ${run.programVersion} of ${run.shop} is missing`);
    const context = await creditContext(db, run.shop);
    const started = performance.now();
    // Two pages in flight: one computing and writing while the one before commits.
    const target = {
      runId,
      shop: run.shop,
      programs,
      historyEarnsPoints: run.historyEarnsPoints,
      redemptionCodePrefixes: run.redemptionCodePrefixes,
    };
    const pending: Promise<unknown>[] = [];
    let previous: Promise<unknown> = Promise.resolve();
    let cursor = run.creditCursor;
    try {
      for (;;) {
        const ids = await nextCustomerIds(db, run.shop, cursor, deps.creditBatchCustomers);
        if (ids.length === 0) break;
        while (pending.length >= CREDIT_PIPELINE_DEPTH) await pending.shift();
        await deps.yieldToRealtime?.();
        const batch = creditBatch(
          pool,
          { ...target, cursor },
          context,
          now(),
          ids,
          previous,
          deps.creditHooks,
        );
        batch.catch(() => undefined);
        pending.push(batch);
        previous = batch;
        cursor = ids[ids.length - 1]!;
      }
      await Promise.all(pending);
    } catch (error) {
      await Promise.allSettled(pending);
      throw error;
    }
    log.info({ ms: Math.round(performance.now() - started) }, "Backfill credited");
    // The credit wrote every member and the history's ledger: without fresh statistics the
    // dashboard's and the reports' first queries plan for empty tables (nested loops over
    // thousands of rows) until autovacuum catches up.
    await pool.query(`ANALYZE "Member", "LedgerEntry", "Redemption"`);
    run = await db.backfillRun.update({
      where: { id: runId },
      data: { phase: "done", status: "completed", finishedAt: now() },
    });
    await deps.afterCompleted?.(run.shop);
  }
  return run;
}

async function exportResource(run: BackfillRun, resource: BackfillResource, deps: BackfillDeps) {
  const { db, graphql } = deps;
  let operationId = run.bulkOperationId;
  if (!operationId) {
    const query = resource === "orders" ? sliceQuery(run.orderSlices, run.slice) : bulkQuery(resource);
    operationId = await startOrAdopt(graphql, query);
    await db.backfillRun.update({ where: { id: run.id }, data: { bulkOperationId: operationId } });
  }
  let done;
  try {
    done = await waitForBulkOperation(graphql, operationId, {
      ...deps.poll,
      onProgress: async (op) => {
        await db.backfillRun.update({ where: { id: run.id }, data: { objectCount: BigInt(op.objectCount) } });
      },
    });
  } catch (error) {
    // An operation that ended without a file (failed, canceled, expired) is forgotten, so
    // the retry of this job starts a fresh one instead of polling a dead one forever.
    if (error instanceof BulkOperationError && error.operation)
      await db.backfillRun.update({ where: { id: run.id }, data: { bulkOperationId: null } });
    throw error;
  }
  return db.backfillRun.update({
    where: { id: run.id },
    data: {
      phase: "load",
      fileUrl: done.url,
      objectCount: BigInt(done.objectCount),
      fileSize: done.fileSize === null ? null : BigInt(done.fileSize),
      linesLoaded: 0n,
    },
  });
}

const sliceQuery = (boundaries: readonly bigint[], slice: number) =>
  bulkQuery("orders", orderSliceFilter(boundaries, slice));

/**
 * Plans the orders' slices before their first export: about one per ORDERS_PER_SLICE of
 * the orders the loaded customers say they placed, over the shop's order id range.
 */
async function sliceOrders(run: BackfillRun, deps: BackfillDeps): Promise<BackfillRun> {
  const [[expected], range] = await Promise.all([
    deps.db.$queryRaw<{ orders: bigint | null }[]>`
      SELECT sum("ordersCount")::bigint AS "orders" FROM "Customer" WHERE "shop" = ${run.shop}`,
    orderIdRange(deps.graphql),
  ]);
  const boundaries = range
    ? planOrderSlices(range.min, range.max, Number(expected?.orders ?? 0), deps.ordersPerSlice)
    : [];
  return deps.db.backfillRun.update({ where: { id: run.id }, data: { orderSlices: boundaries } });
}

/**
 * Starts the bulk query. If this app already has one running on the shop (a job that
 * died between starting it and recording its id), waits for that one to end first.
 */
async function startOrAdopt(graphql: AdminGraphql, query: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return (await startBulkQuery(graphql, query)).id;
    } catch (error) {
      const inProgress =
        error instanceof ShopifyUserError &&
        error.userErrors.some((e) => (e as { code?: string | null }).code === "OPERATION_IN_PROGRESS");
      if (!inProgress) throw error;
      const current = await currentBulkOperation(graphql);
      if (current && (current.status === "CREATED" || current.status === "RUNNING")) {
        await waitForBulkOperation(graphql, current.id).catch(() => undefined);
      }
    }
  }
  throw new BulkOperationError("another bulk query kept the shop busy", null, true);
}

async function nextResource(pool: pg.Pool, run: BackfillRun, resource: BackfillResource, now: Date) {
  // The next slice of orders (its export already started while this one loaded), or the
  // next resource, or the credit.
  const nextSlice = resource === "orders" && run.slice < run.orderSlices.length;
  const next = nextSlice ? resource : (RESOURCES[RESOURCES.indexOf(resource) + 1] ?? null);
  await inTransaction(pool, async (tx) => {
    if (resource === "orders") await mergeStagedChildren(tx, run.id, run.shop);
    await tx.exec(
      `UPDATE "BackfillRun" SET "phase" = $2::"BackfillPhase", "resource" = $3,
         "slice" = $5, "bulkOperationId" = CASE WHEN $6 THEN "nextBulkOperationId" END,
         "nextBulkOperationId" = NULL,
         "fileUrl" = NULL, "linesLoaded" = CASE WHEN $3::text IS NULL THEN "linesLoaded" ELSE 0 END,
         "updatedAt" = $4::timestamptz AT TIME ZONE 'UTC'
       WHERE "id" = $1::uuid`,
      [run.id, next ? "export" : "credit", next, now.toISOString(), nextSlice ? run.slice + 1 : 0, nextSlice],
    );
  });
}

/** Records why the run stopped; `final` marks it failed (no retry left), else it stays resumable. */
export async function recordBackfillError(db: PrismaClient, runId: string, error: unknown, final: boolean) {
  const message = error instanceof Error ? error.message : String(error);
  await db.backfillRun.update({
    where: { id: runId },
    data: { error: message.slice(0, 1000), ...(final ? { status: "failed", finishedAt: new Date() } : {}) },
  });
}
