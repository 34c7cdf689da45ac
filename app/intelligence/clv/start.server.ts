import type { PrismaClient } from "~/db.server";
import type { LifetimeValueFit } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";

// Asking for a lifetime-value fit (nightly, from the Insights page, after the demo's
// import); the worker runs it (workers/processors/analytics.ts). One fit per shop at a
// time: asking again while one is queued or running answers that one.

export type FitTrigger = "schedule" | "merchant" | "demo";

/** A fit that has not started within this long is asked for again (its job was lost). */
const STALE_QUEUED_MS = 6 * 60 * 60_000;

export async function requestLifetimeValueFit(
  db: PrismaClient,
  shop: string,
  trigger: FitTrigger,
  now: Date = new Date(),
): Promise<{ fit: LifetimeValueFit; created: boolean }> {
  const active = await db.lifetimeValueFit.findFirst({
    where: {
      shop,
      status: { in: ["queued", "running"] },
      createdAt: { gt: new Date(now.getTime() - STALE_QUEUED_MS) },
    },
    orderBy: { createdAt: "desc" },
  });
  if (active) {
    await enqueueFit(active.id);
    return { fit: active, created: false };
  }
  const fit = await db.lifetimeValueFit.create({ data: { shop, trigger, createdAt: now } });
  await enqueueFit(fit.id);
  return { fit, created: true };
}

/** The job id is the fit id: asking twice for the same fit adds one job. */
export async function enqueueFit(fitId: string): Promise<void> {
  await enqueue(QUEUE.analytics, "fit-lifetime-value", { fitId }, { jobId: fitId, attempts: 3 });
}
