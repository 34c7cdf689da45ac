import type { Job } from "bullmq";
import { recordBackfillError, runBackfill } from "~/backfill/run.server";
import type { PrismaClient } from "~/db.server";
import type { BackfillRun } from "~/generated/prisma/client";
import { parseJobData, QUEUE } from "~/jobs/definitions";
import { adminGraphqlFor } from "~/shopify/admin-client.server";
import { runMigration } from "~/migration/run.server";
import { runDataImport } from "~/ingest/imports/imports.server";
import { enqueueStatsRefresh } from "~/stats/jobs.server";

export type BackfillProcessorOptions = {
  /** Awaited before each batch of a run (workers/backfill-yield.ts); none: never waits. */
  yieldToRealtime?: () => Promise<void>;
};

export function backfillProcessor(db: PrismaClient, options: BackfillProcessorOptions = {}) {
  return async (job: Job) => {
    if (job.name === "run-migration") {
      const { importId } = parseJobData<typeof QUEUE.backfill, "run-migration">(
        QUEUE.backfill,
        job.name,
        job.data,
      );
      const done = await runMigration(db, importId);
      await enqueueStatsRefresh(done.shop);
      return { status: done.status, imported: done.rowsImported, skipped: done.rowsSkipped };
    }
    if (job.name === "run-data-import") {
      const { importId } = parseJobData<typeof QUEUE.backfill, "run-data-import">(
        QUEUE.backfill,
        job.name,
        job.data,
      );
      const done = await runDataImport(db, importId);
      return { status: done.status, created: done.created, duplicates: done.duplicates };
    }
    const { runId } = parseJobData<typeof QUEUE.backfill, "run-backfill">(QUEUE.backfill, job.name, job.data);
    // attemptsMade counts the attempts that already failed.
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const run = await runBackfillJob(db, runId, { finalAttempt, yieldToRealtime: options.yieldToRealtime });
    return {
      status: run.status,
      customers: run.customersLoaded,
      orders: run.ordersLoaded,
      credited: run.customersCredited,
      entries: run.entriesWritten,
    };
  };
}

/** Runs (or resumes) the run with the shop's offline session. */
async function runBackfillJob(
  db: PrismaClient,
  runId: string,
  options: { finalAttempt: boolean; yieldToRealtime?: () => Promise<void> },
): Promise<BackfillRun> {
  const run = await db.backfillRun.findUnique({ where: { id: runId } });
  if (!run) throw new Error(`Backfill run ${runId} does not exist`);
  try {
    return await runBackfill(runId, {
      db,
      graphql: await adminGraphqlFor(run.shop),
      afterCompleted: (shop) => enqueueStatsRefresh(shop, { full: true }),
      yieldToRealtime: options.yieldToRealtime,
    });
  } catch (error) {
    await recordBackfillError(db, runId, error, options.finalAttempt);
    throw error;
  }
}
