import type pg from "pg";
import type { PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import { processWebhookEvent, type ProcessOptions, type ProcessOutcome } from "./process.server";
import { BatchSlots } from "./batch-slots";
import { BATCH_TOPICS, batchPool, processOrderBatch, type BatchResult } from "~/ingest/batch.server";

// The webhooks job: one inbox row id. Order deliveries go through a batch that claims the
// row with up to BATCH_LIMIT of the shop's other received order rows (batch.server.ts);
// the jobs of rows a batch already processed find them processed and finish at once.
// Everything else — other topics, rows a batch left for the per-row path, a batch that
// failed — runs `processWebhookEvent`, alone, with its own retries and failure record.

/** Rows claimed by a batch running in this process: their jobs wait for it, not for the row lock. */
const inFlight = new Map<string, Promise<BatchResult | null>>();
/** Rows of batches that failed: processed one by one from now on, so one bad row cannot sink batch after batch. */
const suspects = new Set<string>();
const MAX_SUSPECTS = 50_000;
/**
 * Per shop, when the newest row a batch of this process claimed was received: the next
 * batch claims other rows only after it, so rows left for the per-row path (a customer the
 * mirror does not know yet, a changed repeat) are read again by their own jobs only, not
 * by every later batch of the shop while they wait.
 */
const claimedUpTo = new Map<string, Date>();
/** Rows committed as processed by batches in this process (processed is final): their jobs need no query. */
let recentlyProcessed = new Set<string>();
let previouslyProcessed = new Set<string>();
const RECENT_GENERATION = 100_000;

const knownProcessed = (id: string) => recentlyProcessed.has(id) || previouslyProcessed.has(id);

function rememberProcessed(ids: Iterable<string>) {
  for (const id of ids) {
    if (recentlyProcessed.size >= RECENT_GENERATION) {
      previouslyProcessed = recentlyProcessed;
      recentlyProcessed = new Set();
    }
    recentlyProcessed.add(id);
  }
}

/**
 * Learns in one query which of a job's rows are processed already (by a batch of another
 * worker process, most often: batches claim up to BATCH_LIMIT rows ahead of the jobs), so
 * their rows finish without a look-up each. Processed is final, so remembering it is safe.
 */
export async function learnProcessed(eventIds: readonly string[], pool: pg.Pool = batchPool()) {
  const unknown = eventIds.filter((id) => !knownProcessed(id) && !inFlight.has(id));
  if (unknown.length < 2) return;
  const { rows } = await pool.query<{ id: string }>(
    `SELECT "id" FROM "WebhookEvent" WHERE "id" = ANY($1::uuid[]) AND "status" = 'processed'`,
    [unknown],
  );
  rememberProcessed(rows.map((r) => r.id));
}

export type BatchProcessOptions = ProcessOptions & { pool?: pg.Pool; batchLimit?: number };

export async function processWebhookJob(
  db: PrismaClient,
  eventId: string,
  options: BatchProcessOptions = {},
): Promise<ProcessOutcome> {
  const pool = options.pool ?? batchPool();
  let row: { shop: string; topic: string; status: string } | undefined;
  /** The shop whose batch slot this job holds. */
  let slot: string | undefined;
  let attempts = 0;
  let busyTries = 0;
  try {
    // A batch in this process holds the row: wait for it rather than for the row lock.
    // Otherwise wait for a batch slot (a few large batches beat many small ones that
    // queue on each other's locks), then look again: the batch before may have taken it.
    for (;;) {
      if (knownProcessed(eventId)) return "already-processed";
      const pending = inFlight.get(eventId);
      if (pending) {
        const result = await pending;
        if (result?.processed.has(eventId)) return "already-processed";
        return await processWebhookEvent(db, eventId, options);
      }
      if (suspects.has(eventId)) return await processWebhookEvent(db, eventId, options);
      const { rows } = await pool.query<{ shop: string; topic: string; status: string }>(
        `SELECT "shop", "topic", "status"::text AS "status" FROM "WebhookEvent" WHERE "id" = $1::uuid`,
        [eventId],
      );
      row = rows[0];
      // Gone (erased by a redact) or done: processed is final, so no lock is needed to trust it.
      if (!row) return "missing";
      if (row.status === "processed") return "already-processed";
      if (row.status !== "received" || !BATCH_TOPICS.has(row.topic))
        return await processWebhookEvent(db, eventId, options);
      if (slot === undefined) {
        await slots.acquire(row.shop);
        slot = row.shop;
        continue;
      }
      const outcome = await runBatch(db, pool, row, eventId, options);
      if (outcome === "busy") {
        // Another worker process's batch has the shop's turn, and may take this row. Wait a
        // little, keeping the shop's slot but not a share of this process's batches (other
        // shops' batches run meanwhile), then look at the row again (ADR 0062).
        slots.park();
        await new Promise((r) => setTimeout(r, turnBackoff(busyTries++)));
        await slots.unpark(slot);
        continue;
      }
      if (outcome !== "not-claimed") return outcome;
      // Another batch took the row between the look and the claim: wait for that one instead.
      slots.release(slot);
      slot = undefined;
      if (attempts++ > 0) return await processWebhookEvent(db, eventId, options);
    }
  } finally {
    if (slot !== undefined) slots.release(slot);
  }
}

/**
 * Batches at once in this process: one of a shop (its batches take turns under the shop's
 * advisory lock in every process anyway, `runBatch`; a second would hold a pool connection
 * waiting on it), four in all (the batch pool's connections).
 */
export const MAX_BATCHES_PER_SHOP = 1;
export const MAX_BATCHES = 4;
const slots = new BatchSlots(MAX_BATCHES_PER_SHOP, MAX_BATCHES);

/**
 * Milliseconds a batch waits before trying the shop's turn again after finding another
 * process's batch holding it: 20, 40, 80, then 150 (batches of 1,000 rows take 0.2–2 s).
 * Jittered so the processes waiting on one shop do not try in step.
 */
export function turnBackoff(tries: number, random: () => number = Math.random): number {
  return Math.min(150, 20 * 2 ** tries) * (0.75 + random() / 2);
}

async function runBatch(
  db: PrismaClient,
  pool: pg.Pool,
  row: { shop: string },
  eventId: string,
  options: BatchProcessOptions,
): Promise<ProcessOutcome | "not-claimed" | "busy"> {
  const now = (options.now ?? (() => new Date()))();
  let settle!: (result: BatchResult | null) => void;
  const done = new Promise<BatchResult | null>((resolve) => (settle = resolve));
  const claimed: string[] = [];
  let result: BatchResult | null = null;
  try {
    result = await processOrderBatch(pool, row.shop, eventId, now, {
      limit: options.batchLimit,
      exclude: suspects,
      after: claimedUpTo.get(row.shop),
      turn: "try",
      onClaim: (ids) => {
        for (const id of ids) {
          claimed.push(id);
          inFlight.set(id, done);
        }
      },
    });
  } catch (error) {
    logger().warn(
      { err: error, eventId, shop: row.shop, rows: claimed.length },
      "Webhook batch failed; its rows are processed one by one",
    );
    if (suspects.size + claimed.length > MAX_SUSPECTS) suspects.clear();
    for (const id of claimed) suspects.add(id);
  } finally {
    if (result) rememberProcessed(result.processed);
    const upTo = claimedUpTo.get(row.shop);
    if (result?.newest && (!upTo || result.newest > upTo)) claimedUpTo.set(row.shop, result.newest);
    for (const id of claimed) inFlight.delete(id);
    settle(result);
  }
  if (result?.busy) return "busy";
  if (result?.processed.has(eventId)) return "processed";
  if (result && !claimed.includes(eventId)) return "not-claimed";
  // Left for the per-row path, or the batch failed.
  return processWebhookEvent(db, eventId, options);
}
