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
// Experiment report aggregates: each running experiment's is recomputed this often (a million
// members' aggregation takes seconds; the report pages date what they show).
export const REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS = 5 * 60_000;
// Releases and lapses are dated by the ledger rules, so hourly only bounds how soon they show.
export const SCHEDULED_LOYALTY_EVERY_MS = 60 * 60_000;
// Metafields of members missed by the debounced per-shop sync, interrupted redemptions, lapsed codes.
export const SHOPIFY_SYNC_EVERY_MS = 60_000;
// Retention is counted in days; hourly keeps each run's deletes small.
export const PRUNE_INBOX_EVERY_MS = 60 * 60_000;

// Every shop is scored nightly at 03:15 UTC, after the day's orders are in: segments,
// lifetime value and churn risk in one run, in that order (app/intelligence/scoring). Each
// Insights page can still recompute its own model at any time.
export const SCORING_PATTERN = "15 3 * * *";
/** Schedules that once ran the models one by one, now one scoring run: removed from Redis at upsert. */
export const RETIRED_SCHEDULES = [
  { queue: QUEUE.analytics, id: "schedule-lifetime-value" },
  { queue: QUEUE.analytics, id: "schedule-segments" },
  { queue: QUEUE.analytics, id: "schedule-churn" },
] as const;

// Review sentiment nightly at 03:00 UTC, before the scoring run whose churn model reads it;
// imports ask for a run themselves, so this catches reviews that arrived any other way.
export const SENTIMENT_PATTERN = "0 3 * * *";
// Weekly picks on Mondays at 04:15 UTC: a week of sales is in, and the merchant has the week ahead.
export const WEEKLY_PICKS_PATTERN = "15 4 * * 1";
// Product recommendations nightly at 04:00 UTC, after the scoring run (the day's orders and product edits are in).
export const RECOMMENDATIONS_PATTERN = "0 4 * * *";

// Bandits update at their own cadence (hourly by default, counted from launch); checking every
// five minutes bounds how late a period's allocation is written.
export const UPDATE_BANDITS_EVERY_MS = 5 * 60_000;

// Auto-apply reads data that move by the hour; bandits are also evaluated after each update.
export const EVALUATE_AUTO_APPLY_EVERY_MS = 60 * 60_000;
// Campaign triggers are read from the loyalty events every minute (app/campaigns/scan.server.ts).
export const SCHEDULE_CAMPAIGNS_EVERY_MS = 60_000;
// Members' best send hour and channel nightly at 04:30 UTC, after the day's orders are in.
export const SEND_TIMES_PATTERN = "30 4 * * *";
// Triggers read from the members' state (birthdays, grace periods, churn flags, balances) move
// by the hour or the day; a quarter-hour bounds how late one fires.
export const SCHEDULE_SCHEDULED_TRIGGERS_EVERY_MS = 15 * 60_000;

// Expired widget inbox messages daily at 05:00 UTC (the proxy already hides them; this frees the rows).
export const INBOX_PURGE_PATTERN = "0 5 * * *";

/** How often a running worker makes sure the schedules are still in Redis. */
export const KEEP_SCHEDULES_EVERY_MS = 60_000;

/** Every schedule: its queue, its id (= the name of the job it adds) and its interval or cron pattern. */
export const SCHEDULES = [
  { queue: QUEUE.analytics, id: "schedule-scoring", pattern: SCORING_PATTERN },
  { queue: QUEUE.shopifySync, id: "schedule-shopify-sync", every: SHOPIFY_SYNC_EVERY_MS },
  { queue: QUEUE.loyalty, id: "schedule-loyalty", every: SCHEDULED_LOYALTY_EVERY_MS },
  { queue: QUEUE.maintenance, id: "sweep-inbox", every: SWEEP_INBOX_EVERY_MS },
  { queue: QUEUE.maintenance, id: "prune-inbox", every: PRUNE_INBOX_EVERY_MS },
  { queue: QUEUE.maintenance, id: "refresh-loyalty-stats", every: REFRESH_LOYALTY_STATS_EVERY_MS },
  {
    queue: QUEUE.maintenance,
    id: "refresh-experiment-aggregates",
    every: REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS,
  },
  { queue: QUEUE.analytics, id: "schedule-sentiment", pattern: SENTIMENT_PATTERN },
  { queue: QUEUE.analytics, id: "schedule-weekly-picks", pattern: WEEKLY_PICKS_PATTERN },
  { queue: QUEUE.analytics, id: "schedule-recommendations", pattern: RECOMMENDATIONS_PATTERN },
  { queue: QUEUE.analytics, id: "update-bandits", every: UPDATE_BANDITS_EVERY_MS },
  { queue: QUEUE.analytics, id: "evaluate-auto-apply", every: EVALUATE_AUTO_APPLY_EVERY_MS },
  { queue: QUEUE.campaigns, id: "schedule-campaigns", every: SCHEDULE_CAMPAIGNS_EVERY_MS },
  { queue: QUEUE.campaigns, id: "schedule-send-times", pattern: SEND_TIMES_PATTERN },
  {
    queue: QUEUE.campaigns,
    id: "schedule-scheduled-triggers",
    every: SCHEDULE_SCHEDULED_TRIGGERS_EVERY_MS,
  },
  { queue: QUEUE.campaigns, id: "schedule-inbox-purge", pattern: INBOX_PURGE_PATTERN },
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
  for (const retired of RETIRED_SCHEDULES) await queueOf(retired.queue).removeJobScheduler(retired.id);
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
