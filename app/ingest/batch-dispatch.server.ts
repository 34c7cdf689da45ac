import type pg from "pg";
import type { PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import { processWebhookEvent, type ProcessOptions, type ProcessOutcome } from "~/webhooks/process.server";
import { BATCH_TOPICS, batchPool, processOrderBatch, type BatchResult } from "./batch.server";

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

export type BatchProcessOptions = ProcessOptions & { pool?: pg.Pool; batchLimit?: number };

export async function processWebhookJob(
  db: PrismaClient,
  eventId: string,
  options: BatchProcessOptions = {},
): Promise<ProcessOutcome> {
  const pending = inFlight.get(eventId);
  if (pending) {
    const result = await pending;
    if (result?.processed.has(eventId)) return "already-processed";
    return processWebhookEvent(db, eventId, options);
  }
  if (suspects.has(eventId)) return processWebhookEvent(db, eventId, options);
  const pool = options.pool ?? batchPool();
  const { rows } = await pool.query<{ shop: string; topic: string; status: string }>(
    `SELECT "shop", "topic", "status"::text AS "status" FROM "WebhookEvent" WHERE "id" = $1::uuid`,
    [eventId],
  );
  const row = rows[0];
  // Gone (erased by a redact) or done: processed is final, so no lock is needed to trust it.
  if (!row) return "missing";
  if (row.status === "processed") return "already-processed";
  if (row.status !== "received" || !BATCH_TOPICS.has(row.topic))
    return processWebhookEvent(db, eventId, options);

  const now = (options.now ?? (() => new Date()))();
  let settle!: (result: BatchResult | null) => void;
  const done = new Promise<BatchResult | null>((resolve) => (settle = resolve));
  const claimed: string[] = [];
  let result: BatchResult | null = null;
  try {
    result = await processOrderBatch(pool, row.shop, eventId, now, {
      limit: options.batchLimit,
      exclude: suspects,
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
    for (const id of claimed) inFlight.delete(id);
    settle(result);
  }
  if (result?.processed.has(eventId)) return "processed";
  // Not claimed (another transaction holds it), left for the per-row path, or the batch failed.
  return processWebhookEvent(db, eventId, options);
}
