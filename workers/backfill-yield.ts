import type { Job, Queue } from "bullmq";

// A backfill saturates the database on its own (docs/decisions/0008). Before each of its
// load and credit batches it asks whether real-time webhook work is falling behind, and if
// so waits, up to `maxPauseMs` per batch so it always advances
// (docs/decisions/0059-tenant-fair-queues.md). Behind means either:
// - more than `threshold` jobs on the webhooks queue's waiting list, which holds the jobs of
//   shops that are not heavy (a heavy shop's are prioritized, a separate set:
//   app/jobs/fairness.ts), so a flash sale's own backlog does not stop a backfill; or
// - such a job, finished in this process within the last few seconds, waited and ran
//   longer than `maxLagMs` from its enqueue: the workers are slow, not yet backed up.

export type YieldOptions = {
  /** Waiting jobs above which the backfill waits (the worker's concurrency). */
  threshold: number;
  /** The recent real-time lag (RealtimeLag.recent); none: only the waiting list counts. */
  lag?: (now: number) => number;
  /** Lag above which the backfill waits (default 1 s, a fifth of bench:tenants' p99 target). */
  maxLagMs?: number;
  /** Longest wait before one batch (default 2 s). */
  maxPauseMs?: number;
  /** How often it looks again while waiting (default 100 ms). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

export function yieldToWebhooks(queue: Pick<Queue, "getWaitingCount">, options: YieldOptions) {
  const { threshold, lag, maxLagMs = 1_000, maxPauseMs = 2_000, pollMs = 100 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  let paused = 0;
  const behind = async () => {
    if (lag && lag(now()) > maxLagMs) return true;
    try {
      return (await queue.getWaitingCount()) > threshold;
    } catch {
      return false; // Redis away: the webhooks queue is not moving either; carry on.
    }
  };
  const wait = async () => {
    const started = now();
    while ((await behind()) && now() - started < maxPauseMs) await sleep(pollMs);
    paused += now() - started;
  };
  /** Milliseconds spent waiting so far. */
  wait.pausedMs = () => paused;
  return wait;
}

/**
 * The lag of the not-heavy webhook jobs this process finished recently: enqueue to finish.
 * Observations older than `windowMs` are forgotten, so a paused backfill is not held back
 * by a lag nobody has measured again.
 */
export class RealtimeLag {
  private samples: { at: number; lag: number }[] = [];

  constructor(private readonly windowMs = 3_000) {}

  observe(job: Pick<Job, "timestamp" | "finishedOn" | "opts">) {
    if (job.opts.priority || job.finishedOn === undefined) return;
    this.samples.push({ at: job.finishedOn, lag: job.finishedOn - job.timestamp });
    if (this.samples.length > 1_000) this.samples = this.samples.slice(-500);
  }

  /** The largest lag observed within the window before `now` (0 when none). */
  recent(now: number): number {
    const from = now - this.windowMs;
    this.samples = this.samples.filter((s) => s.at >= from);
    return this.samples.reduce((max, s) => Math.max(max, s.lag), 0);
  }
}
