import type { JobsOptions } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import type { TypedQueue } from "~/jobs/queue.server";

// The campaigns queue's jobs as the domain adds them. A delivery's job id is the send's
// id, so enqueueing a send twice (the scan and the stale-send sweep at once) adds one job;
// the send row's status and claim make even a second job harmless.

export type CampaignsQueue = TypedQueue<typeof QUEUE.campaigns>;

/** Provider errors retry with exponential backoff: 30 s, 1, 2, 4 min, then the send fails visibly. */
export const SEND_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 30_000 },
} as const satisfies JobsOptions;

/** A queued send older than this without a claim has lost its job (Redis flushed, enqueue failed). */
export const STALE_SEND_MS = 10 * 60_000;

export const sendJobId = (sendId: string) => `send_${sendId}`;

export async function enqueueSends(
  queue: CampaignsQueue,
  sendIds: readonly string[],
  options: JobsOptions = SEND_JOB_OPTIONS,
): Promise<void> {
  if (!sendIds.length) return;
  await queue.addBulk(
    sendIds.map((sendId) => ({
      name: "deliver-campaign-send" as const,
      data: { sendId },
      opts: { ...options, jobId: sendJobId(sendId) },
    })),
  );
}

/** Enqueues a stale send again, replacing a finished job that still holds its id. */
export async function requeueSend(
  queue: CampaignsQueue,
  sendId: string,
  options: JobsOptions = SEND_JOB_OPTIONS,
): Promise<void> {
  const state = await queue.getJobState(sendJobId(sendId));
  if (state === "completed" || state === "failed") await queue.remove(sendJobId(sendId));
  else if (state !== "unknown") return;
  await enqueueSends(queue, [sendId], options);
}

/** Queued, unclaimed sends whose job may be gone. */
export async function staleSends(db: PrismaClient, shop: string, now: Date): Promise<string[]> {
  const rows = await db.campaignSend.findMany({
    where: {
      shop,
      status: "queued",
      sendingSince: null,
      queuedAt: { lt: new Date(now.getTime() - STALE_SEND_MS) },
    },
    select: { id: true },
    take: 1_000,
  });
  return rows.map((r) => r.id);
}

/** Installed shops with a trigger campaign switched on. */
export async function shopsWithTriggers(db: PrismaClient): Promise<string[]> {
  const rows = await db.$queryRaw<{ shop: string }[]>`
    SELECT DISTINCT c."shop" FROM "Campaign" c JOIN "Shop" s ON s."domain" = c."shop"
    WHERE c."kind" = 'trigger' AND c."enabled" AND s."status" = 'installed'`;
  return rows.map((r) => r.shop);
}

export const broadcastJobId = (runId: string) => `broadcast_${runId}`;

/**
 * A broadcast's run, delayed until its time. Deduplicated rather than keyed by job id, so the
 * sweep can enqueue a run again once an earlier job has finished or failed (the run itself
 * is a no-op when finished), but never beside a job still waiting.
 */
export async function enqueueBroadcastRun(
  queue: CampaignsQueue,
  runId: string,
  sendAt: Date,
  now: Date = new Date(),
): Promise<void> {
  await queue.add(
    "run-broadcast",
    { runId },
    {
      delay: Math.max(0, sendAt.getTime() - now.getTime()),
      deduplication: { id: broadcastJobId(runId) },
      attempts: 5,
      backoff: { type: "exponential", delay: 30_000 },
    },
  );
}
