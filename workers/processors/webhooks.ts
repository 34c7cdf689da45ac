import type { Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { learnProcessed, processWebhookJob } from "~/webhooks/batch-dispatch.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";
import { eachLimited } from "~/jobs/each-limited";
import type { ProcessOutcome } from "~/webhooks/process.server";

/** Rows of one process-webhooks job worked on at once (as many separate jobs would be). */
const GROUP_CONCURRENCY = 8;

export function webhooksProcessor(db: PrismaClient) {
  return async (job: Job) => {
    // attemptsMade counts the attempts that already failed.
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // Order deliveries are applied in batches with the shop's other received orders; the rest one by one.
    if (job.name === "process-webhooks") {
      const { eventIds } = parseJobData<typeof QUEUE.webhooks, "process-webhooks">(
        QUEUE.webhooks,
        job.name,
        job.data,
      );
      await learnProcessed(eventIds);
      return {
        outcomes: await processGroup(eventIds, (eventId) => processWebhookJob(db, eventId, { finalAttempt })),
      };
    }
    const { eventId } = parseJobData<typeof QUEUE.webhooks, "process-webhook">(
      QUEUE.webhooks,
      job.name,
      job.data,
    );
    return { outcome: await processWebhookJob(db, eventId, { finalAttempt }) };
  };
}

/**
 * Every row of the group, a few at a time. A row that throws does not stop the others;
 * once all have run, the job fails with the first error so BullMQ retries it, and the
 * retry finds the rows that succeeded already processed.
 */
export async function processGroup(
  eventIds: readonly string[],
  processRow: (eventId: string) => Promise<ProcessOutcome>,
): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  const errors: unknown[] = [];
  await eachLimited(eventIds, GROUP_CONCURRENCY, async (eventId) => {
    try {
      const outcome = await processRow(eventId);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    } catch (error) {
      errors.push(error);
    }
  });
  if (errors.length) throw errors[0];
  return outcomes;
}
