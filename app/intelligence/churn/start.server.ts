import type { PrismaClient } from "~/db.server";
import type { ChurnRun } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { requestRun } from "../runs.server";

// Asking for a churn-risk run (nightly, from the Churn risk page, after the demo's import);
// the worker runs it (workers/processors/analytics.ts). One run per shop at a time
// (../runs.server.ts).

export type ChurnTrigger = "schedule" | "merchant" | "demo";

export async function requestChurnRun(
  db: PrismaClient,
  shop: string,
  trigger: ChurnTrigger,
  now: Date = new Date(),
): Promise<{ run: ChurnRun; created: boolean }> {
  const { row, created } = await requestRun({
    findActive: (since) =>
      db.churnRun.findFirst({
        where: { shop, status: { in: ["queued", "running"] }, createdAt: { gt: since } },
        orderBy: { createdAt: "desc" },
      }),
    create: () => db.churnRun.create({ data: { shop, trigger, createdAt: now } }),
    enqueue: enqueueChurnRun,
    now,
  });
  return { run: row, created };
}

/** The job id is the run id: asking twice for the same run adds one job. */
export async function enqueueChurnRun(runId: string): Promise<void> {
  await enqueue(QUEUE.analytics, "compute-churn", { runId }, { jobId: runId, attempts: 3 });
}
