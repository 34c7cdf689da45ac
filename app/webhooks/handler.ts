import { UnrecoverableError } from "bullmq";
import type { z } from "zod";
import type { Prisma } from "../generated/prisma/client";

// What a topic handler gets: the open transaction in which the inbox row will be marked
// processed, so the handler's writes and the "processed" mark commit together or not at all.
export type WebhookEventForHandler = {
  id: string;
  shop: string;
  topic: string;
  payload: unknown;
  triggeredAt: Date | null;
  receivedAt: Date;
};

export type HandlerContext = {
  tx: Prisma.TransactionClient;
  event: WebhookEventForHandler;
  now: Date;
};

export type WebhookHandler = (ctx: HandlerContext) => Promise<void>;

/** A payload that does not match its topic's schema will never succeed: fail it at once. */
export function parsePayload<S extends z.ZodType>(schema: S, event: WebhookEventForHandler): z.infer<S> {
  const parsed = schema.safeParse(event.payload);
  if (!parsed.success) {
    throw new UnrecoverableError(
      `Invalid ${event.topic} payload: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}
