import type { Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";
import { processWebhookEvent } from "~/webhooks/process.server";

export function webhooksProcessor(db: PrismaClient) {
  return async (job: Job) => {
    const { eventId } = parseJobData(QUEUE.webhooks, job.name, job.data);
    // attemptsMade counts the attempts that already failed.
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return { outcome: await processWebhookEvent(db, eventId, { finalAttempt }) };
  };
}
