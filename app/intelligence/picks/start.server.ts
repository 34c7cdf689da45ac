import type { PrismaClient } from "~/db.server";
import type { WeeklyPicksRun } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { requestRun } from "../runs.server";

// Asking for a weekly-picks run (weekly, from the Weekly picks page, after the demo's
// import); the worker runs it (workers/processors/analytics.ts). One run per shop at a time
// (../runs.server.ts). `top` is how many picks the merchant wants (default: as last time).

export type PicksTrigger = "schedule" | "merchant" | "demo";

export async function requestWeeklyPicks(
  db: PrismaClient,
  shop: string,
  trigger: PicksTrigger,
  options: { now?: Date; top?: number } = {},
): Promise<{ run: WeeklyPicksRun; created: boolean }> {
  const now = options.now ?? new Date();
  const top =
    options.top ??
    (
      (await db.weeklyPicksRun.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } }))?.settings as {
        top?: number;
      } | null
    )?.top;
  const { row, created } = await requestRun({
    findActive: (since) =>
      db.weeklyPicksRun.findFirst({
        where: { shop, status: { in: ["queued", "running"] }, createdAt: { gt: since } },
        orderBy: { createdAt: "desc" },
      }),
    create: () =>
      db.weeklyPicksRun.create({
        data: { shop, trigger, createdAt: now, ...(top ? { settings: { top } } : {}) },
      }),
    enqueue: enqueueWeeklyPicks,
    now,
  });
  return { run: row, created };
}

/** The job id is the run id: asking twice for the same run adds one job. */
export async function enqueueWeeklyPicks(runId: string): Promise<void> {
  await enqueue(QUEUE.analytics, "compute-weekly-picks", { runId }, { jobId: runId, attempts: 3 });
}
