import { UnrecoverableError } from "bullmq";
import type { PrismaClient } from "../db.server";
import { logger } from "../logger.server";
import type { WebhookHandler } from "./handler";
import { WEBHOOK_HANDLERS } from "./handlers";
import { isPermanentDataError } from "./permanent-error";

export type ProcessOutcome = "processed" | "no-handler" | "already-processed" | "already-failed" | "missing";

export type ProcessOptions = {
  now?: () => Date;
  /** True on the job's last attempt: a failure then marks the row failed for replay. */
  finalAttempt?: boolean;
  handlers?: Readonly<Record<string, WebhookHandler>>;
};

/**
 * Processes one inbox row exactly once. The row is locked for the whole transaction,
 * the handler's writes and the "processed" mark commit together, and a processed row is
 * skipped, so any number of deliveries, retries or sweeper re-enqueues apply it once.
 * A failed row is skipped too: failed is final until someone sets it back to received.
 *
 * Failures the input causes (a payload its schema refuses, a value PostgreSQL refuses
 * such as a quantity beyond int4) mark the row failed at once and are rethrown as
 * UnrecoverableError, so BullMQ does not retry what can only fail again.
 */
export async function processWebhookEvent(
  db: PrismaClient,
  eventId: string,
  options: ProcessOptions = {},
): Promise<ProcessOutcome> {
  const now = (options.now ?? (() => new Date()))();
  const handlers = options.handlers ?? WEBHOOK_HANDLERS;
  try {
    return await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "WebhookEvent" WHERE "id" = ${eventId}::uuid FOR UPDATE`;
        const event = await tx.webhookEvent.findUnique({ where: { id: eventId } });
        // Gone: erased by shop/redact or customers/redact after the job was queued.
        if (!event) return "missing";
        if (event.status === "processed") return "already-processed";
        if (event.status === "failed") return "already-failed";

        const handler = handlers[event.topic];
        if (handler) {
          await handler({ tx, event, now });
        } else {
          logger().warn(
            { eventId, shop: event.shop, topic: event.topic },
            "No handler for webhook topic; marked processed",
          );
        }
        // updateMany: shop/redact deletes this very row along with the shop's others.
        await tx.webhookEvent.updateMany({
          where: { id: eventId },
          data: { status: "processed", processedAt: now, attempts: { increment: 1 }, lastError: null },
        });
        return handler ? "processed" : "no-handler";
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (error) {
    const permanent = error instanceof UnrecoverableError || isPermanentDataError(error);
    await recordFailure(db, eventId, error, options.finalAttempt === true || permanent);
    if (permanent && !(error instanceof UnrecoverableError))
      throw new UnrecoverableError(failureMessage(error));
    throw error;
  }
}

function failureMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function recordFailure(db: PrismaClient, eventId: string, error: unknown, final: boolean) {
  const message = failureMessage(error);
  try {
    await db.webhookEvent.updateMany({
      where: { id: eventId, status: { not: "processed" } },
      data: {
        attempts: { increment: 1 },
        lastError: message.slice(0, 4_000),
        ...(final ? { status: "failed" } : {}),
      },
    });
  } catch (recordError) {
    // The database is likely down; the job's own retry carries the original error.
    logger().warn({ err: recordError, eventId }, "Could not record webhook failure on the inbox row");
  }
}
