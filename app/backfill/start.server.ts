import type { PrismaClient } from "~/db.server";
import type { BackfillRun } from "~/generated/prisma/client";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { adminGraphqlFor } from "~/shopify/admin-client.server";
import { enqueueStatsRefresh } from "~/stats/jobs.server";
import { createBackfillRun, recordBackfillError, runBackfill } from "./run.server";

// Starting a backfill (on install, or from the dashboard) and running its job.

/** Creates a run (unless one is active) and enqueues it; the job id is the run id. */
export async function startBackfill(
  db: PrismaClient,
  shop: string,
  options: { historyEarnsPoints: boolean; trigger: "install" | "merchant" },
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

/** The worker's entry: runs (or resumes) the run with the shop's offline session. */
export async function runBackfillJob(
  db: PrismaClient,
  runId: string,
  options: { finalAttempt: boolean },
): Promise<BackfillRun> {
  const run = await db.backfillRun.findUnique({ where: { id: runId } });
  if (!run) throw new Error(`Backfill run ${runId} does not exist`);
  try {
    return await runBackfill(runId, {
      db,
      graphql: await adminGraphqlFor(run.shop),
      afterCompleted: (shop) => enqueueStatsRefresh(shop, { full: true }),
    });
  } catch (error) {
    await recordBackfillError(db, runId, error, options.finalAttempt);
    throw error;
  }
}
