import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { logger } from "../logger.server";
import { QUEUE, type QueueName } from "./definitions";
import { SCHEDULED_JOB_OPTIONS } from "./options";

// Recurring jobs. Upserting is idempotent (an unchanged schedule keeps its next run), so
// any number of workers may upsert at once, and changing an interval here updates Redis on
// deploy. The schedules live only in Redis: the worker upserts them at boot, whenever its
// connection comes back (Redis restarted, possibly empty) and every minute (Redis flushed
// under a live connection), so the inbox sweeper cannot silently stop (issue 11 #1).
export const SWEEP_INBOX_EVERY_MS = 60_000;
export const REFRESH_LOYALTY_STATS_EVERY_MS = 60_000;
// Releases and lapses are dated by the ledger rules, so hourly only bounds how soon they show.
export const SCHEDULED_LOYALTY_EVERY_MS = 60 * 60_000;
// Metafields of members missed by the debounced per-shop sync, interrupted redemptions, lapsed codes.
export const SHOPIFY_SYNC_EVERY_MS = 60_000;
// Retention is counted in days; hourly keeps each run's deletes small.
export const PRUNE_INBOX_EVERY_MS = 60 * 60_000;

// Segments describe behaviour over months: recomputed nightly (and on demand from the page).
export const SCHEDULE_SEGMENTS_EVERY_MS = 24 * 60 * 60_000;

// Lifetime values are refitted nightly (03:15 UTC, after the day's orders are in); the
// Insights page can ask for a fit at any time.
export const LIFETIME_VALUE_PATTERN = "15 3 * * *";
// Churn risk nightly at 03:45 UTC, after the lifetime-value fit (its CLV is the value at stake).
export const CHURN_PATTERN = "45 3 * * *";

// Bandits update at their own cadence (hourly by default, counted from launch); checking every
// five minutes bounds how late a period's allocation is written.
export const UPDATE_BANDITS_EVERY_MS = 5 * 60_000;

/** How often a running worker makes sure the schedules are still in Redis. */
export const KEEP_SCHEDULES_EVERY_MS = 60_000;

/** Every schedule: its queue, its id (= the name of the job it adds) and its interval or cron pattern. */
export const SCHEDULES = [
  { queue: QUEUE.analytics, id: "schedule-lifetime-value", pattern: LIFETIME_VALUE_PATTERN },
  { queue: QUEUE.shopifySync, id: "schedule-shopify-sync", every: SHOPIFY_SYNC_EVERY_MS },
  { queue: QUEUE.loyalty, id: "schedule-loyalty", every: SCHEDULED_LOYALTY_EVERY_MS },
  { queue: QUEUE.maintenance, id: "sweep-inbox", every: SWEEP_INBOX_EVERY_MS },
  { queue: QUEUE.maintenance, id: "prune-inbox", every: PRUNE_INBOX_EVERY_MS },
  { queue: QUEUE.maintenance, id: "refresh-loyalty-stats", every: REFRESH_LOYALTY_STATS_EVERY_MS },
  { queue: QUEUE.analytics, id: "schedule-segments", every: SCHEDULE_SEGMENTS_EVERY_MS },
  { queue: QUEUE.analytics, id: "schedule-churn", pattern: CHURN_PATTERN },
  { queue: QUEUE.analytics, id: "update-bandits", every: UPDATE_BANDITS_EVERY_MS },
] as const satisfies ReadonlyArray<
  { queue: QueueName; id: string } & ({ every: number } | { pattern: string })
>;

/** The queue of a name (schedules span several queues with different job types). */
type QueueOf = (name: QueueName) => Queue;

export async function upsertSchedules(queueOf: QueueOf): Promise<void> {
  for (const schedule of SCHEDULES) {
    await queueOf(schedule.queue).upsertJobScheduler(
      schedule.id,
      "pattern" in schedule ? { pattern: schedule.pattern, tz: "UTC" } : { every: schedule.every },
      { name: schedule.id, data: {}, opts: SCHEDULED_JOB_OPTIONS },
    );
  }
}

/** The ids of the schedules Redis does not hold (empty when all are registered). */
export async function missingSchedules(queueOf: QueueOf): Promise<string[]> {
  const found = await Promise.all(
    SCHEDULES.map((schedule) => queueOf(schedule.queue).getJobScheduler(schedule.id)),
  );
  return SCHEDULES.filter((_, i) => !found[i]).map((schedule) => schedule.id);
}

/**
 * Keeps the schedules registered while the worker runs: upserts them when `connection`
 * becomes ready again after losing Redis, and every `everyMs`. A failure is logged and
 * tried again at the next occasion. After a reconnect, or when schedules were missing
 * (Redis came back empty), `onRecovered` runs: jobs may be lost and enqueues have failed,
 * so the caller sweeps the inbox at once instead of after the sweep delay. Returns the
 * function that stops it.
 */
export function keepSchedules(
  connection: Redis,
  queueOf: QueueOf,
  everyMs: number = KEEP_SCHEDULES_EVERY_MS,
  onRecovered: () => Promise<unknown> = async () => {},
): () => void {
  const log = logger();
  let running: Promise<void> | undefined;
  const refresh = (reason: "reconnected" | "periodic") => {
    running ??= (async () => {
      try {
        const missing = await missingSchedules(queueOf);
        await upsertSchedules(queueOf);
        if (missing.length > 0)
          log.warn({ missing, reason }, "Schedules were missing from Redis; registered them again");
        if (missing.length > 0 || reason === "reconnected") await onRecovered();
      } catch (err) {
        log.warn({ err, reason }, "Could not register the schedules; trying again later");
      } finally {
        running = undefined;
      }
    })();
  };
  const onReady = () => refresh("reconnected");
  connection.on("ready", onReady);
  const timer = setInterval(() => refresh("periodic"), everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    connection.off("ready", onReady);
  };
}
