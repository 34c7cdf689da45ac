import type { PrismaClient } from "~/db.server";
import type { RewardRecommendationRun } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { requestRun } from "../runs.server";

// Asking for a reward-recommendation run (nightly before the churn run, whose interventions
// use it; from the Churn risk page's Recompute; after the demo's import); the worker runs it
// (workers/processors/analytics.ts). One run per shop at a time (../runs.server.ts).

export type RewardRunTrigger = "schedule" | "merchant" | "demo";

export async function requestRewardRecommendationRun(
  db: PrismaClient,
  shop: string,
  trigger: RewardRunTrigger,
  now: Date = new Date(),
): Promise<{ run: RewardRecommendationRun; created: boolean }> {
  const { row, created } = await requestRun({
    findActive: (since) =>
      db.rewardRecommendationRun.findFirst({
        where: { shop, status: { in: ["queued", "running"] }, createdAt: { gt: since } },
        orderBy: { createdAt: "desc" },
      }),
    create: () => db.rewardRecommendationRun.create({ data: { shop, trigger, createdAt: now } }),
    enqueue: enqueueRewardRecommendationRun,
    now,
  });
  return { run: row, created };
}

/** The job id is the run id: asking twice for the same run adds one job. */
export async function enqueueRewardRecommendationRun(runId: string): Promise<void> {
  await enqueue(QUEUE.analytics, "compute-reward-recommendations", { runId }, { jobId: runId, attempts: 3 });
}
