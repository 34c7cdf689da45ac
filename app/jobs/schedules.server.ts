import { QUEUE } from "./definitions";
import { SCHEDULED_JOB_OPTIONS } from "./options";
import type { TypedQueue } from "./queue.server";

// Recurring jobs, upserted at every worker boot: upserting is idempotent, so any number
// of workers may start at once, and changing an interval here updates Redis on deploy.
export const SWEEP_INBOX_EVERY_MS = 60_000;
export const REFRESH_LOYALTY_STATS_EVERY_MS = 60_000;

export async function upsertSchedules(queues: { maintenance: TypedQueue<typeof QUEUE.maintenance> }) {
  await queues.maintenance.upsertJobScheduler(
    "sweep-inbox",
    { every: SWEEP_INBOX_EVERY_MS },
    { name: "sweep-inbox", data: {}, opts: SCHEDULED_JOB_OPTIONS },
  );
  await queues.maintenance.upsertJobScheduler(
    "refresh-loyalty-stats",
    { every: REFRESH_LOYALTY_STATS_EVERY_MS },
    { name: "refresh-loyalty-stats", data: {}, opts: SCHEDULED_JOB_OPTIONS },
  );
}
