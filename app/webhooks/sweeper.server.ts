import type { PrismaClient } from "../db.server";
import { logger } from "../logger.server";
import { findUnfinished } from "./inbox.server";

export const SWEEP_AFTER_MINUTES = 5;
const BATCH = 500;
const MAX_PAGES = 200;

export type SweepDeps = {
  db: PrismaClient;
  /**
   * Enqueues by job id = row id, so a row whose own job is still queued is not doubled. A
   * row that came in a group job (process-webhooks) still waiting after the sweep delay
   * gets a job of its own too; whichever runs second finds the row processed.
   */
  enqueue: (eventId: string) => Promise<void>;
  now: () => Date;
  afterMinutes?: number;
};

/**
 * Re-enqueues inbox rows still `received` after a few minutes: their enqueue failed
 * after the row was committed, or their job was lost. Rows in retry backoff still have
 * their job, so re-adding it is a no-op. Returns how many rows were swept.
 */
export async function sweepInbox({ db, enqueue, now, afterMinutes = SWEEP_AFTER_MINUTES }: SweepDeps) {
  const olderThan = new Date(now().getTime() - afterMinutes * 60_000);
  // Page through every such row (after an outage there can be thousands), oldest first,
  // bounded so one run cannot go on for ever.
  let swept = 0;
  let after: { receivedAt: Date; id: string } | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await findUnfinished(db, olderThan, BATCH, after);
    for (const row of rows) await enqueue(row.id);
    swept += rows.length;
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1];
  }
  if (swept > 0) logger().info({ swept }, "Re-enqueued unfinished webhook events");
  return { swept };
}
