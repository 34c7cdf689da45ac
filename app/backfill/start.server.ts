import type { PrismaClient } from "~/db.server";
import type { BackfillRun } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { createBackfillRun } from "./run.server";

// Starting a backfill (on install, or from the dashboard); the worker runs it
// (workers/processors/backfill.ts).

/** Creates a run (unless one is active) and enqueues it; the job id is the run id. */
export async function startBackfill(
  db: PrismaClient,
  shop: string,
  options: {
    historyEarnsPoints: boolean;
    trigger: "install" | "merchant";
    redemptionCodePrefixes?: readonly string[];
  },
): Promise<{ run: BackfillRun; created: boolean }> {
  const result = await createBackfillRun(db, shop, options);
  await enqueueBackfill(result.run.id);
  return result;
}

export async function enqueueBackfill(runId: string): Promise<void> {
  await enqueue(QUEUE.backfill, "run-backfill", { runId }, { jobId: runId });
}

/** On install: the first backfill of a shop starts by itself, with the default (no points for history). */
export async function backfillOnInstall(db: PrismaClient, shop: string): Promise<void> {
  const previous = await db.backfillRun.findFirst({ where: { shop }, select: { id: true } });
  if (previous) return;
  await startBackfill(db, shop, { historyEarnsPoints: false, trigger: "install" });
}
