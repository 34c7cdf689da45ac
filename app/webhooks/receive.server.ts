import type { PrismaClient } from "../db.server";
import { logger } from "../logger.server";
import {
  MAX_PAYLOAD_DEPTH,
  nestsDeeperThan,
  payloadShopMismatch,
  placeholderBody,
  storableBody,
} from "./body-checks";
import { parseWebhookHeaders, type WebhookHeaders } from "./headers";
import { isValidWebhookHmac } from "./hmac";
import { recordDeliveries, type Delivery, type InboxEntry } from "./inbox.server";
import { isPermanentDataError, sqlState } from "./permanent-error";

// Intake for every webhook topic: verify, record in the inbox, enqueue, answer. It runs
// in milliseconds and never calls Shopify or loads a session; all work happens in the
// worker. Dependencies are passed in so tests can break any one of them.

export type ReceiveDeps = {
  db: PrismaClient;
  /** `shop` lets the producer keep one shop's burst from delaying the others (app/jobs/fairness.ts). */
  enqueue: (eventId: string, shop: string) => Promise<void>;
  secret: string;
  now: () => Date;
  /** Writes the inbox row; the route batches concurrent deliveries (defaults to one INSERT per delivery). */
  record?: (delivery: Delivery) => Promise<InboxEntry>;
};

export type ReceiveResult = { status: number; body: { message: string; eventId?: string } };

/**
 * Shopify retries a failed delivery for up to 48 hours with the first attempt's
 * X-Shopify-Triggered-At, so a signed body older than that is a replay, not a retry.
 * The header is not signed; with the payload's own shop fields it narrows what a
 * replayed body can do (docs/decisions/0014-poison-webhooks.md).
 */
export const DELIVERY_MAX_AGE_MS = 48 * 3_600_000;
/** Clock skew allowed between Shopify and this server. */
export const DELIVERY_MAX_AHEAD_MS = 5 * 60_000;

export async function receiveWebhook(
  request: { headers: Pick<Headers, "get">; rawBody: Uint8Array },
  deps: ReceiveDeps,
): Promise<ReceiveResult> {
  const log = logger();
  const signature = request.headers.get("X-Shopify-Hmac-Sha256")?.trim();
  if (!signature) return refused("the X-Shopify-Hmac-Sha256 header is missing");
  if (!isValidWebhookHmac(deps.secret, request.rawBody, signature)) {
    log.warn(
      {
        shop: request.headers.get("X-Shopify-Shop-Domain"),
        topic: request.headers.get("X-Shopify-Topic"),
        webhookId: request.headers.get("X-Shopify-Webhook-Id"),
      },
      "Webhook HMAC rejected",
    );
    return { status: 401, body: { message: "Invalid webhook signature" } };
  }
  const parsed = parseWebhookHeaders(request.headers);
  if (!parsed.ok) {
    return { status: 400, body: { message: `Missing webhook headers: ${parsed.missing.join(", ")}` } };
  }
  const headers = parsed.value;
  const body = inboxBody(request.rawBody, headers, deps.now());
  if ("refusal" in body) {
    log.warn(
      { shop: headers.shop, topic: headers.topic, webhookId: headers.webhookId, reason: body.refusal },
      "Signed webhook refused",
    );
    return refused(body.refusal);
  }

  let delivery: Delivery = {
    headers,
    rawJson: body.rawJson,
    failure: body.failure,
    receivedAt: deps.now(),
  };
  const record = deps.record ?? (async (d: Delivery) => (await recordDeliveries(deps.db, [d]))[0]!);
  let entry;
  try {
    entry = await record(delivery);
  } catch (error) {
    const unstorable = await recordUnstorable(record, delivery, request.rawBody, error);
    if (unstorable) [entry, delivery] = unstorable;
    else {
      // Not recorded means not acknowledged: Shopify retries a 5xx, so nothing is lost.
      log.error(
        { err: error, shop: headers.shop, topic: headers.topic, webhookId: headers.webhookId },
        "Webhook inbox write failed",
      );
      return { status: 503, body: { message: "Could not record the webhook; retry later" } };
    }
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
      await deps.enqueue(entry.id, headers.shop);
    } catch (error) {
      // The event is safe in the inbox; the sweeper enqueues it within minutes.
      log.error({ err: error, ...context }, "Webhook recorded but enqueue failed; the sweeper will retry");
    }
  }
  if (entry.created && entry.status === "failed") {
    // Acknowledged so Shopify stops retrying a body that can never be processed; the row
    // and its reason show on the dashboard.
    log.warn({ ...context, reason: delivery.failure }, "Webhook recorded as failed");
    return {
      status: 200,
      body: { message: `Recorded as failed: ${delivery.failure}`, eventId: entry.id },
    };
  }
  log.info({ ...context, duplicate: !entry.created }, "Webhook received");
  return {
    status: 200,
    body: { message: entry.created ? "Recorded" : "Already recorded", eventId: entry.id },
  };
}

const refused = (reason: string): ReceiveResult => ({
  status: 401,
  body: { message: `Webhook refused: ${reason}` },
});

/**
 * What goes into the inbox for a verified body: as received, or (for a body PostgreSQL
 * cannot store or the app cannot read) a storable stand-in with the reason it fails.
 * A refusal when the delivery's unsigned headers do not fit the signed body.
 */
function inboxBody(
  rawBody: Uint8Array,
  headers: WebhookHeaders,
  now: Date,
): { refusal: string } | { rawJson: string; failure: string | null } {
  const stale = triggeredAtProblem(headers.triggeredAt, now);
  if (stale) return { refusal: stale };
  const unreadable = (reason: string) => ({
    rawJson: placeholderBody(rawBody, reason),
    failure: `Not processed: ${reason}`,
  });
  if (nestsDeeperThan(rawBody, MAX_PAYLOAD_DEPTH))
    return unreadable(`the body nests deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  const text = Buffer.from(rawBody).toString("utf8");
  const value = parseJson(text);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return unreadable("the body is not a JSON object");
  const mismatch = payloadShopMismatch(value as Record<string, unknown>, headers.shop);
  if (mismatch) return { refusal: mismatch };
  const storable = storableBody(text, value);
  return { rawJson: storable.rawJson, failure: storable.problem && `Not processed: ${storable.problem}` };
}

function triggeredAtProblem(triggeredAt: Date | null, now: Date): string | null {
  if (!triggeredAt) return "the X-Shopify-Triggered-At header is missing or not a time";
  const age = now.getTime() - triggeredAt.getTime();
  if (age > DELIVERY_MAX_AGE_MS)
    return `the delivery was triggered ${Math.round(age / 3_600_000)} h ago (at most ${DELIVERY_MAX_AGE_MS / 3_600_000} h)`;
  if (age < -DELIVERY_MAX_AHEAD_MS) return "the delivery's X-Shopify-Triggered-At is in the future";
  return null;
}

/**
 * A body PostgreSQL refused for what it holds (a number beyond numeric's range, say)
 * fails the same way on every retry: record a stand-in as failed instead. Null when the
 * error is not about the data (the database is down) or the stand-in failed too.
 */
async function recordUnstorable(
  record: (delivery: Delivery) => Promise<InboxEntry>,
  delivery: Delivery,
  rawBody: Uint8Array,
  error: unknown,
): Promise<[InboxEntry, Delivery] | null> {
  if (!isPermanentDataError(error)) return null;
  const reason = `PostgreSQL cannot store the body (SQLSTATE ${sqlState(error)})`;
  const standIn = {
    ...delivery,
    rawJson: placeholderBody(rawBody, reason),
    failure: `Not processed: ${reason}`,
  };
  try {
    return [await record(standIn), standIn];
  } catch {
    return null;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
