import type { Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { runBackfillJob } from "~/backfill/start.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";

export function backfillProcessor(db: PrismaClient) {
  return async (job: Job) => {
    const { runId } = parseJobData(QUEUE.backfill, job.name, job.data);
    // attemptsMade counts the attempts that already failed.
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const run = await runBackfillJob(db, runId, { finalAttempt });
    return {
      status: run.status,
      customers: run.customersLoaded,
      orders: run.ordersLoaded,
      credited: run.customersCredited,
      entries: run.entriesWritten,
    };
  };
}
