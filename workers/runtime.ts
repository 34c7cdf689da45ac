import { DelayedError, Worker, type Job, type Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";
import { QUEUE, QUEUE_NAMES, type QueueName } from "~/jobs/definitions";
import { startHeartbeat } from "~/jobs/heartbeat.server";
import { createQueue, warnOnEvictionPolicy } from "~/jobs/queue.server";
import { keepSchedules, upsertSchedules } from "~/jobs/schedules.server";
import { logger, withLogContext } from "~/logger.server";
import { isRedisUnreachable } from "~/redis.server";
import { adminGraphqlFor } from "~/shopify/admin-client.server";
import { analyticsProcessor } from "./processors/analytics";
import { backfillProcessor } from "./processors/backfill";
import { RealtimeLag, yieldToWebhooks } from "./backfill-yield";
import { campaignsProcessor, type CampaignsProcessorOptions } from "./processors/campaigns";
import { loyaltyProcessor } from "./processors/loyalty";
import { maintenanceProcessor } from "./processors/maintenance";
import { shopifySyncProcessor, type AdminFor } from "./processors/shopify-sync";
import { webhooksProcessor } from "./processors/webhooks";

type Processor = (job: Job, token?: string) => Promise<unknown>;

export type WorkerRuntimeOptions = {
  connection: Redis;
  db: PrismaClient;
  concurrency: number;
  /** Replaces a queue's processor; tests use it to hold a job in flight. */
  processors?: Partial<Record<QueueName, Processor>>;
  /** The Admin GraphQL client of a shop (default: its offline session); tests point it at the emulator. */
  shopifyAdmin?: AdminFor;
  /** How often the schedules are checked and upserted while running (default every minute). */
  keepSchedulesEveryMs?: number;
  /** Age at which the sweeper re-enqueues an unfinished inbox row (default SWEEP_AFTER_MINUTES). */
  sweepAfterMinutes?: number;
  /** Delivery job options and providers of the campaigns queue (tests: a short backoff). */
  campaigns?: CampaignsProcessorOptions;
};

export type WorkerRuntime = { workers: Worker[]; stop: () => Promise<void> };

/** Starts one BullMQ Worker per queue, the schedules and the heartbeat. */
export async function startWorkers(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { connection, db, concurrency } = options;
  const log = logger();
  await warnOnEvictionPolicy(connection);

  const queues = {
    webhooks: createQueue(QUEUE.webhooks, connection),
    maintenance: createQueue(QUEUE.maintenance, connection),
    loyalty: createQueue(QUEUE.loyalty, connection),
    backfill: createQueue(QUEUE.backfill, connection),
    shopifySync: createQueue(QUEUE.shopifySync, connection),
    analytics: createQueue(QUEUE.analytics, connection),
    campaigns: createQueue(QUEUE.campaigns, connection),
  };
  const queueOf = (name: QueueName) => Object.values(queues).find((q) => q.name === name) as unknown as Queue;
  await upsertSchedules(queueOf);
  const stopKeepingSchedules = keepSchedules(connection, queueOf, options.keepSchedulesEveryMs, () =>
    queues.maintenance.add("sweep-inbox", { catchUp: true }, { removeOnComplete: 100, removeOnFail: 100 }),
  );

  const fair = env().TENANT_FAIRNESS === "on";
  const lag = new RealtimeLag();
  const processors: Record<QueueName, Processor> = {
    webhooks: webhooksProcessor(db),
    maintenance: maintenanceProcessor(db, queues.webhooks, queues.backfill, {
      sweepAfterMinutes: options.sweepAfterMinutes,
    }),
    loyalty: loyaltyProcessor(db, queues.loyalty),
    // Per-shop fairness: a backfill waits while real-time webhook work is behind.
    backfill: backfillProcessor(db, {
      yieldToRealtime: fair
        ? yieldToWebhooks(queues.webhooks, { threshold: concurrency, lag: (now) => lag.recent(now) })
        : undefined,
    }),
    "shopify-sync": shopifySyncProcessor(db, queues.shopifySync, options.shopifyAdmin ?? adminGraphqlFor),
    analytics: analyticsProcessor(db),
    campaigns: campaignsProcessor(
      db,
      queues.campaigns,
      connection,
      options.shopifyAdmin ?? adminGraphqlFor,
      options.campaigns,
    ),
    ...options.processors,
  };
  // Housekeeping needs no parallelism; everything else scales with WORKER_CONCURRENCY.
  // A scheduled loyalty run already keeps several member transactions in flight.
  // A backfill saturates the database on its own: one at a time per worker process.
  // Analytics (model fits, clustering) is CPU-bound on this process's thread: one at a time,
  // so it never starves the rest.
  const concurrencyOf = (name: QueueName) =>
    name === QUEUE.maintenance || name === QUEUE.backfill || name === QUEUE.analytics
      ? 1
      : name === QUEUE.loyalty
        ? Math.min(2, concurrency)
        : concurrency;

  const workers = QUEUE_NAMES.map((name) => {
    const worker = new Worker(name, logged(name, processors[name]), {
      connection,
      concurrency: concurrencyOf(name),
    });
    if (name === QUEUE.webhooks && fair) worker.on("completed", (job) => lag.observe(job));
    worker.on("error", (err) => {
      if (!isRedisUnreachable(err)) log.error({ err, queue: name }, "Worker error");
    });
    return worker;
  });
  const heartbeat = await startHeartbeat(connection, { queues: QUEUE_NAMES });
  log.info({ queues: QUEUE_NAMES, concurrency, worker: heartbeat.id }, "Workers started");

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info("Workers closing; waiting for jobs in flight");
      // close() stops taking new jobs and resolves once the active ones have finished.
      stopKeepingSchedules();
      await Promise.all(workers.map((w) => w.close()));
      await heartbeat.stop();
      await Promise.all(Object.values(queues).map((q) => q.close()));
      log.info("Workers closed");
    })());
  return { workers, stop };
}

function logged(queue: string, processor: Processor): Processor {
  return (job, token) =>
    withLogContext({ queue, jobId: job.id ?? "", job: job.name }, async () => {
      const log = logger();
      const started = performance.now();
      try {
        const result = await processor(job, token);
        log.info(
          { ms: Math.round(performance.now() - started), attempt: job.attemptsMade + 1, result },
          "Job completed",
        );
        return result;
      } catch (err) {
        // A job that moved itself to later (quiet hours, a rate limit) did not fail.
        if (err instanceof DelayedError) throw err;
        log.warn(
          { err, ms: Math.round(performance.now() - started), attempt: job.attemptsMade + 1 },
          "Job failed",
        );
        throw err;
      }
    });
}
