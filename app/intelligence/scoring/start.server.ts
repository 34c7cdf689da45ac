import type { PrismaClient } from "~/db.server";
import type { ScoringRun } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { requestRun } from "../runs.server";

// Asking for a full scoring (nightly for every installed shop, on demand from Insights, after
// the demo's import); the worker runs it (workers/processors/analytics.ts). One run per shop
// at a time (../runs.server.ts). The models' own Recompute jobs stay for one model at a time.

export type ScoringTrigger = "schedule" | "merchant" | "demo";

export async function requestScoringRun(
  db: PrismaClient,
  shop: string,
  trigger: ScoringTrigger,
  now: Date = new Date(),
): Promise<{ run: ScoringRun; created: boolean }> {
  const { row, created } = await requestRun({
    findActive: (since) =>
      db.scoringRun.findFirst({
        where: { shop, status: { in: ["queued", "running"] }, createdAt: { gt: since } },
        orderBy: { createdAt: "desc" },
      }),
    create: () => db.scoringRun.create({ data: { shop, trigger, createdAt: now } }),
    enqueue: enqueueScoringRun,
    now,
  });
  return { run: row, created };
}

/** The job id is the run id: asking twice for the same run adds one job. */
export async function enqueueScoringRun(runId: string): Promise<void> {
  await enqueue(QUEUE.analytics, "score-shop", { runId }, { jobId: runId, attempts: 2 });
}
