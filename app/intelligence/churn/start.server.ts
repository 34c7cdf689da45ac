import type { PrismaClient } from "~/db.server";
import type { ChurnRun } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";

// Asking for a churn-risk run (nightly, from the Churn risk page, after the demo's import);
// the worker runs it (workers/processors/analytics.ts). One run per shop at a time: asking
// again while one is queued or running answers that one.

export type ChurnTrigger = "schedule" | "merchant" | "demo";

/** A run that has not started within this long is asked for again (its job was lost). */
const STALE_QUEUED_MS = 6 * 60 * 60_000;

export async function requestChurnRun(
  db: PrismaClient,
  shop: string,
  trigger: ChurnTrigger,
  now: Date = new Date(),
): Promise<{ run: ChurnRun; created: boolean }> {
  const active = await db.churnRun.findFirst({
    where: {
      shop,
      status: { in: ["queued", "running"] },
      createdAt: { gt: new Date(now.getTime() - STALE_QUEUED_MS) },
    },
    orderBy: { createdAt: "desc" },
  });
  if (active) {
    await enqueueChurnRun(active.id);
    return { run: active, created: false };
  }
  const run = await db.churnRun.create({ data: { shop, trigger, createdAt: now } });
  await enqueueChurnRun(run.id);
  return { run, created: true };
}

/** The job id is the run id: asking twice for the same run adds one job. */
export async function enqueueChurnRun(runId: string): Promise<void> {
  await enqueue(QUEUE.analytics, "compute-churn", { runId }, { jobId: runId, attempts: 3 });
}
