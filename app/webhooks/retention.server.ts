import type { PrismaClient } from "../db.server";
import { logger } from "../logger.server";

// Processed inbox rows are deleted once they are older than the retention period
// (WEBHOOK_RETENTION_DAYS): their payloads carry customers' personal data, and the app
// keeps it no longer than it needs it to replay or debug a delivery. Rows still
// `received` or `failed` are never deleted: they are work not yet done.

export const PRUNE_BATCH = 1_000;
// At most this many rows per run (the next run goes on): a backlog after a long outage or
// a first deploy is worked off over a few runs, never in one long job.
const MAX_BATCHES_PER_RUN = 200;

export type PruneDeps = {
  db: PrismaClient;
  now: () => Date;
  retentionDays: number;
  batchSize?: number;
};

/**
 * Deletes processed rows received and processed before the cutoff, a batch per statement:
 * each DELETE commits on its own, holds its rows' locks for milliseconds and skips rows
 * another transaction has locked (a redelivery being checked), so intake and workers
 * never wait on it. Walks the (status, receivedAt) index. Returns how many rows went.
 */
export async function pruneInbox({ db, now, retentionDays, batchSize = PRUNE_BATCH }: PruneDeps) {
  const cutoff = new Date(now().getTime() - retentionDays * 86_400_000).toISOString();
  let deleted = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const count = await db.$executeRaw`
      DELETE FROM "WebhookEvent" WHERE "id" IN (
        SELECT "id" FROM "WebhookEvent"
        WHERE "status" = 'processed' AND "receivedAt" < ${cutoff}::timestamp
          AND "processedAt" < ${cutoff}::timestamp
        ORDER BY "receivedAt"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED)`;
    deleted += count;
    if (count < batchSize) break;
  }
  if (deleted > 0) logger().info({ deleted, retentionDays }, "Pruned processed webhook events");
  return { deleted };
}
