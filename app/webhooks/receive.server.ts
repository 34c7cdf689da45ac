import type { PrismaClient } from "../db.server";
import { logger } from "../logger.server";
import { parseWebhookHeaders } from "./headers";
import { isValidWebhookHmac } from "./hmac";
import { recordDelivery, type Delivery, type InboxEntry } from "./inbox.server";

// Intake for every webhook topic: verify, record in the inbox, enqueue, answer. It runs
// in milliseconds and never calls Shopify or loads a session; all work happens in the
// worker. Dependencies are passed in so tests can break any one of them.

export type ReceiveDeps = {
  db: PrismaClient;
  enqueue: (eventId: string) => Promise<void>;
  secret: string;
  now: () => Date;
  /** Writes the inbox row; the route batches concurrent deliveries (defaults to one INSERT per delivery). */
  record?: (delivery: Delivery) => Promise<InboxEntry>;
};

export type ReceiveResult = { status: number; body: { message: string; eventId?: string } };

export async function receiveWebhook(
  request: { headers: Pick<Headers, "get">; rawBody: Uint8Array },
  deps: ReceiveDeps,
): Promise<ReceiveResult> {
  const log = logger();
  const parsed = parseWebhookHeaders(request.headers);
  if (!parsed.ok) {
    return { status: 400, body: { message: `Missing webhook headers: ${parsed.missing.join(", ")}` } };
  }
  const headers = parsed.value;
  if (!isValidWebhookHmac(deps.secret, request.rawBody, headers.hmac)) {
    log.warn(
      { shop: headers.shop, topic: headers.topic, webhookId: headers.webhookId },
      "Webhook HMAC rejected",
    );
    return { status: 401, body: { message: "Invalid webhook signature" } };
  }
  const rawJson = Buffer.from(request.rawBody).toString("utf8");
  if (!isJsonObject(rawJson)) {
    return { status: 400, body: { message: "Webhook body is not a JSON object" } };
  }

  let entry;
  try {
    const delivery = { headers, rawJson, receivedAt: deps.now() };
    entry = await (deps.record
      ? deps.record(delivery)
      : recordDelivery(deps.db, headers, rawJson, delivery.receivedAt));
  } catch (error) {
    // Not recorded means not acknowledged: Shopify retries a 5xx, so nothing is lost.
    log.error(
      { err: error, shop: headers.shop, topic: headers.topic, webhookId: headers.webhookId },
      "Webhook inbox write failed",
    );
    return { status: 503, body: { message: "Could not record the webhook; retry later" } };
  }

  const context = {
    eventId: entry.id,
    shop: headers.shop,
    topic: headers.topic,
    webhookId: headers.webhookId,
  };
  // A duplicate that was already processed needs nothing; one still waiting is enqueued
  // again in case the first enqueue was lost (the job id makes this a no-op otherwise).
  if (entry.status === "received") {
    try {
      await deps.enqueue(entry.id);
    } catch (error) {
      // The event is safe in the inbox; the sweeper enqueues it within minutes.
      log.error({ err: error, ...context }, "Webhook recorded but enqueue failed; the sweeper will retry");
    }
  }
  log.info({ ...context, duplicate: !entry.created }, "Webhook received");
  return {
    status: 200,
    body: { message: entry.created ? "Recorded" : "Already recorded", eventId: entry.id },
  };
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
