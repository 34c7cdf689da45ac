import type { PrismaClient } from "~/db.server";
import type { LifetimeValueFit } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { requestRun } from "../runs.server";

// Asking for a lifetime-value fit (nightly, from the Insights page, after the demo's
// import); the worker runs it (workers/processors/analytics.ts). One fit per shop at a
// time (../runs.server.ts).

export type FitTrigger = "schedule" | "merchant" | "demo";

export async function requestLifetimeValueFit(
  db: PrismaClient,
  shop: string,
  trigger: FitTrigger,
  now: Date = new Date(),
): Promise<{ fit: LifetimeValueFit; created: boolean }> {
  const { row, created } = await requestRun({
    findActive: (since) =>
      db.lifetimeValueFit.findFirst({
        where: { shop, status: { in: ["queued", "running"] }, createdAt: { gt: since } },
        orderBy: { createdAt: "desc" },
      }),
    create: () => db.lifetimeValueFit.create({ data: { shop, trigger, createdAt: now } }),
    enqueue: enqueueFit,
    now,
  });
  return { fit: row, created };
}

/** The job id is the fit id: asking twice for the same fit adds one job. */
export async function enqueueFit(fitId: string): Promise<void> {
  await enqueue(QUEUE.analytics, "fit-lifetime-value", { fitId }, { jobId: fitId, attempts: 3 });
}
