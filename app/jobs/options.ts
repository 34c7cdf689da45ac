import type { DefaultJobOptions } from "bullmq";

// Transient failures (a deadlock, a restarting database, a Shopify throttle) retry with
// exponential backoff: 2 s, 4 s, … ~4 min over 8 attempts. Finished jobs are trimmed so
// Redis stays small; failed ones stay longer so they can be inspected and replayed.
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { count: 5_000, age: 24 * 60 * 60 },
  removeOnFail: { count: 20_000, age: 14 * 24 * 60 * 60 },
} as const satisfies DefaultJobOptions;

// Scheduled housekeeping runs again within a minute anyway; retrying it only piles up.
export const SCHEDULED_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500, age: 7 * 24 * 60 * 60 },
} as const satisfies DefaultJobOptions;
