import { prisma, type PrismaClient } from "~/db.server";
import type { SentimentRun } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { requestRun } from "../runs.server";

// Asking for a sentiment run: after a review import, nightly, from the Reviews insights
// page. One run per shop at a time (../runs.server.ts); the worker runs it
// (workers/processors/analytics.ts).

export type SentimentTrigger = "import" | "schedule" | "merchant" | "demo";

/**
 * Scores the shop's unscored reviews soon (and refreshes the summary). The review import
 * calls this after each import; asking while a run is queued or running adds nothing.
 */
export async function requestSentimentScoring(
  shop: string,
  trigger: SentimentTrigger = "import",
  db: PrismaClient = prisma(),
  now: Date = new Date(),
): Promise<{ run: SentimentRun; created: boolean }> {
  const { row, created } = await requestRun({
    findActive: (since) =>
      db.sentimentRun.findFirst({
        where: { shop, status: { in: ["queued", "running"] }, createdAt: { gt: since } },
        orderBy: { createdAt: "desc" },
      }),
    create: () => db.sentimentRun.create({ data: { shop, trigger, createdAt: now } }),
    enqueue: enqueueSentimentRun,
    now,
  });
  return { run: row, created };
}

/** The job id is the run id: asking twice for the same run adds one job. */
export async function enqueueSentimentRun(runId: string): Promise<void> {
  await enqueue(QUEUE.analytics, "score-sentiment", { runId }, { jobId: runId, attempts: 3 });
}
