import { createHash } from "node:crypto";
import type { JobsOptions } from "bullmq";
import { env } from "../env.server";
import { PRODUCER_COMMAND_TIMEOUT_MS } from "../redis.server";
import { ShopShares } from "./fairness";
import { MAX_WEBHOOK_GROUP, QUEUE, type JobData, type JobName, type QueueName } from "./definitions";
import { queue, type TypedQueue } from "./queue.server";

/**
 * Fails an enqueue Redis has not confirmed within PRODUCER_COMMAND_TIMEOUT_MS. The producer
 * connection already fails its own commands fast; this also covers a queue still waiting
 * for its first connection (a process started while Redis was down). The job may still
 * land later, which is harmless: job ids make enqueues idempotent.
 *
 * After a timeout or a refusal, enqueues fail at once for ENQUEUE_BACKOFF_MS instead of each waiting
 * out its own timeout: requests queued behind a timed-out enqueue would otherwise wait for
 * two, and an acknowledgement must stay well inside Shopify's timeout. What they recorded
 * is swept when the worker sees Redis again (or after the sweep delay).
 */
export const ENQUEUE_BACKOFF_MS = 1_000;
let unavailableUntil = 0;

async function inTime<T>(start: () => Promise<T>): Promise<T> {
  if (Date.now() < unavailableUntil)
    throw new Error("Redis timed out a moment ago; not waiting for it again yet");
  const work = start();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not confirm the enqueue within ${PRODUCER_COMMAND_TIMEOUT_MS} ms`)),
      PRODUCER_COMMAND_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    unavailableUntil = Date.now() + ENQUEUE_BACKOFF_MS;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Adds a typed job. With a jobId, adding a job that already exists is a no-op. */
export async function enqueue<Q extends QueueName, N extends JobName<Q>>(
  queueName: Q,
  name: N,
  data: JobData<Q, N>,
  opts?: JobsOptions,
): Promise<void> {
  const q = queue(queueName);
  // BullMQ's add() is typed over the union of the queue's payloads; the generics above
  // already tie this payload to this job name.
  await inTime(() =>
    (q.add as (n: string, d: unknown, o?: JobsOptions) => Promise<unknown>).call(q, name, data, opts),
  );
}

/** Processes one inbox row. jobId = row id, so a second enqueue of the same row is dropped. */
export async function enqueueWebhook(eventId: string): Promise<void> {
  await enqueue(QUEUE.webhooks, "process-webhook", { eventId }, { jobId: eventId });
}

/** An inbox row to enqueue, with its shop when the caller knows it (for per-shop fairness). */
export type WebhookRow = string | { eventId: string; shop: string };

/**
 * enqueueWebhook for many rows in one Redis round trip (the webhook route batches
 * concurrent deliveries): rows that arrived together become one process-webhooks job per
 * shop (a job's own cost in the worker and Redis is a fifth to a quarter of crediting an
 * order), each with its shop's fairness priority (app/jobs/fairness.ts).
 */
export async function enqueueWebhooks(rows: readonly WebhookRow[]): Promise<void> {
  await inTime(() => queue(QUEUE.webhooks).addBulk(fairWebhookJobs(rows)));
}

/** Unset or "on": heavy shops' jobs wait behind the others'; "off" (benchmarks' contrast): one FIFO. */
export const fairnessEnabled = () => env().TENANT_FAIRNESS === "on";

const shares = new ShopShares();

/**
 * The jobs for rows recorded together (webhookJobs): the rows of shops that are not heavy
 * share jobs as before; each heavy shop's rows get jobs of their own with the priority its
 * recent share of the rows earns. Rows without a shop (the sweeper's, tests') count as not
 * heavy, as do all rows with fairness off.
 */
export function fairWebhookJobs(
  rows: readonly WebhookRow[],
  { enabled = fairnessEnabled(), now = Date.now(), tally = shares } = {},
): WebhookJob[] {
  const byShop = new Map<string, string[]>();
  for (const row of rows) {
    const [shop, eventId] = typeof row === "string" ? ["", row] : [row.shop, row.eventId];
    const ids = byShop.get(shop);
    if (ids) ids.push(eventId);
    else byShop.set(shop, [eventId]);
  }
  const priorities = new Map<string, number>();
  for (const [shop, ids] of byShop)
    priorities.set(shop, enabled && shop ? tally.add(shop, ids.length, now) : 0);
  const light: string[] = [];
  const heavy: WebhookJob[] = [];
  for (const row of rows) {
    const [shop, eventId] = typeof row === "string" ? ["", row] : [row.shop, row.eventId];
    if (priorities.get(shop) === 0) light.push(eventId);
  }
  for (const [shop, ids] of byShop) {
    const priority = priorities.get(shop)!;
    if (priority > 0)
      heavy.push(...webhookJobs(ids).map((job) => ({ ...job, opts: { ...job.opts, priority } })));
  }
  return [...(light.length ? webhookJobs(light) : []), ...heavy];
}

type WebhookJobOpts = { jobId: string; priority?: number };
export type WebhookJob =
  | { name: "process-webhook"; data: { eventId: string }; opts: WebhookJobOpts }
  | { name: "process-webhooks"; data: { eventIds: string[] }; opts: WebhookJobOpts };

/** The jobs for rows recorded together: one per row alone, else one per MAX_WEBHOOK_GROUP rows. */
export function webhookJobs(eventIds: readonly string[]): WebhookJob[] {
  if (eventIds.length === 1)
    return [{ name: "process-webhook", data: { eventId: eventIds[0]! }, opts: { jobId: eventIds[0]! } }];
  const jobs: WebhookJob[] = [];
  for (let i = 0; i < eventIds.length; i += MAX_WEBHOOK_GROUP) {
    const group = eventIds.slice(i, i + MAX_WEBHOOK_GROUP);
    jobs.push({
      name: "process-webhooks",
      data: { eventIds: group },
      opts: { jobId: groupJobId(group) },
    });
  }
  return jobs;
}

/**
 * A group's job id is a digest of all its rows. A row is enqueued again when Shopify
 * redelivers it while it is still `received`, and may then head a group of new rows: an id
 * named after the first row alone would be taken by its first group, and BullMQ would
 * silently drop the new group (issue 11 #5). The same rows enqueued together again still
 * add nothing.
 */
function groupJobId(eventIds: readonly string[]): string {
  return `group-${createHash("sha256").update(eventIds.join(",")).digest("base64url")}`;
}

/**
 * Enqueues an inbox row again even when BullMQ still holds a finished job under its id
 * (which would make a plain add a silent no-op). Used by the sweeper for rows that are
 * still `received`; a job waiting, delayed or active is left alone.
 */
/**
 * Adds a backfill run's job again (job id = run id, so a job still queued or running is
 * left alone; one that ended while its run stayed active is replaced: the run resumes
 * from its cursor).
 */
export async function requeueBackfill(q: TypedQueue<typeof QUEUE.backfill>, runId: string): Promise<void> {
  const state = await q.getJobState(runId);
  if (state === "completed" || state === "failed") await q.remove(runId);
  await q.add("run-backfill", { runId }, { jobId: runId });
}

export async function requeueWebhook(q: TypedQueue<typeof QUEUE.webhooks>, eventId: string): Promise<void> {
  const state = await q.getJobState(eventId);
  if (state === "completed" || state === "failed") await q.remove(eventId);
  await q.add("process-webhook", { eventId }, { jobId: eventId });
}

/**
 * The metafield sync of one shop, debounced: while one waits, more changes add nothing;
 * while one runs, exactly one more is kept to run after it, so no change is missed.
 */
export function metafieldSyncJob(shop: string) {
  return {
    name: "sync-metafields" as const,
    data: { shop },
    opts: { delay: 2_000, deduplication: { id: `sync-metafields_${shop}`, keepLastIfActive: true } },
  };
}

/** Call after committing ledger changes: the shop's members' metafields follow within seconds. */
export async function enqueueMetafieldSync(shop: string): Promise<void> {
  const job = metafieldSyncJob(shop);
  await enqueue(QUEUE.shopifySync, job.name, job.data, job.opts);
}

/**
 * After the program's tiers are saved: the shop's tier-perk discount follows them. A save
 * while one runs keeps exactly one more, so the last tiers saved are the ones written.
 */
export async function enqueueTierPerkSync(shop: string): Promise<void> {
  await enqueue(
    QUEUE.shopifySync,
    "sync-tier-perks",
    { shop },
    {
      deduplication: { id: `sync-tier-perks_${shop}`, keepLastIfActive: true },
    },
  );
}

/** Applies one bulk points adjustment in the worker; the job id is the bulk's, so a resubmit adds nothing. */
export async function enqueueBulkAdjustment(bulkId: string): Promise<void> {
  await enqueue(QUEUE.loyalty, "bulk-adjust", { bulkId }, { jobId: `bulk-adjust_${bulkId}` });
}
