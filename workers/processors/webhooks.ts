import type { Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { processWebhookJob } from "~/ingest/batch-dispatch.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";

export function webhooksProcessor(db: PrismaClient) {
  return async (job: Job) => {
    const { eventId } = parseJobData(QUEUE.webhooks, job.name, job.data);
    // attemptsMade counts the attempts that already failed.
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // Order deliveries are applied in batches with the shop's other received orders; the rest one by one.
    return { outcome: await processWebhookJob(db, eventId, { finalAttempt }) };
  };
}
