import { QUEUE } from "./definitions";
import { SCHEDULED_JOB_OPTIONS } from "./options";
import type { TypedQueue } from "./queue.server";

// Recurring jobs, upserted at every worker boot: upserting is idempotent, so any number
// of workers may start at once, and changing an interval here updates Redis on deploy.
export const SWEEP_INBOX_EVERY_MS = 60_000;
export const REFRESH_LOYALTY_STATS_EVERY_MS = 60_000;
// Releases and lapses are dated by the ledger rules, so hourly only bounds how soon they show.
export const SCHEDULED_LOYALTY_EVERY_MS = 60 * 60_000;
// Metafields of members missed by the debounced per-shop sync, interrupted redemptions, lapsed codes.
export const SHOPIFY_SYNC_EVERY_MS = 60_000;
// Retention is counted in days; hourly keeps each run's deletes small.
export const PRUNE_INBOX_EVERY_MS = 60 * 60_000;

export async function upsertSchedules(queues: {
  maintenance: TypedQueue<typeof QUEUE.maintenance>;
  loyalty: TypedQueue<typeof QUEUE.loyalty>;
  shopifySync: TypedQueue<typeof QUEUE.shopifySync>;
}) {
  await queues.shopifySync.upsertJobScheduler(
    "schedule-shopify-sync",
    { every: SHOPIFY_SYNC_EVERY_MS },
    { name: "schedule-shopify-sync", data: {}, opts: SCHEDULED_JOB_OPTIONS },
  );
  await queues.loyalty.upsertJobScheduler(
    "schedule-loyalty",
    { every: SCHEDULED_LOYALTY_EVERY_MS },
    { name: "schedule-loyalty", data: {}, opts: SCHEDULED_JOB_OPTIONS },
  );
  await queues.maintenance.upsertJobScheduler(
    "sweep-inbox",
    { every: SWEEP_INBOX_EVERY_MS },
    { name: "sweep-inbox", data: {}, opts: SCHEDULED_JOB_OPTIONS },
  );
  await queues.maintenance.upsertJobScheduler(
    "prune-inbox",
    { every: PRUNE_INBOX_EVERY_MS },
    { name: "prune-inbox", data: {}, opts: SCHEDULED_JOB_OPTIONS },
  );
  await queues.maintenance.upsertJobScheduler(
    "refresh-loyalty-stats",
    { every: REFRESH_LOYALTY_STATS_EVERY_MS },
    { name: "refresh-loyalty-stats", data: {}, opts: SCHEDULED_JOB_OPTIONS },
  );
}
