import type { PrismaClient } from "~/db.server";
import type { RecommendationRun } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { requestRun } from "../runs.server";

// Asking for a product-recommendation run (nightly, from the Recommendations page); the
// worker runs it (workers/processors/analytics.ts). One run per shop at a time (../runs.server.ts).

export type RecommendationTrigger = "schedule" | "merchant" | "demo";

export async function requestRecommendationRun(
  db: PrismaClient,
  shop: string,
  trigger: RecommendationTrigger,
  now: Date = new Date(),
): Promise<{ run: RecommendationRun; created: boolean }> {
  const { row, created } = await requestRun({
    findActive: (since) =>
      db.recommendationRun.findFirst({
        where: { shop, status: { in: ["queued", "running"] }, createdAt: { gt: since } },
        orderBy: { createdAt: "desc" },
      }),
    create: () => db.recommendationRun.create({ data: { shop, trigger, createdAt: now } }),
    enqueue: enqueueRecommendationRun,
    now,
  });
  return { run: row, created };
}

/** The job id is the run id: asking twice for the same run adds one job. */
export async function enqueueRecommendationRun(runId: string): Promise<void> {
  await enqueue(QUEUE.analytics, "compute-recommendations", { runId }, { jobId: runId, attempts: 3 });
}
