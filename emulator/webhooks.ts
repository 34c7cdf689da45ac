import { createHmac, randomUUID } from "node:crypto";

// Webhook delivery as Shopify does it: a JSON POST signed with the app secret
// (base64 HMAC-SHA256 of the raw body) and Shopify's X-Shopify-* headers.

export type WebhookDelivery = {
  shop: string;
  topic: string;
  payload: unknown;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: string;
  apiVersion?: string;
  /** Path on the app; defaults to /webhooks (the app's single webhook route). */
  path?: string;
};

export type WebhookTarget = { appUrl: string; apiSecret: string; apiVersion: string; now: () => number };

// Shopify gives an app five seconds to answer a webhook before counting the delivery as failed.
const DELIVERY_TIMEOUT_MS = 5000;

export type WebhookResult = { status: number; webhookId: string; eventId: string; body: string };

export function signWebhookBody(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export async function sendWebhook(target: WebhookTarget, delivery: WebhookDelivery): Promise<WebhookResult> {
  const body = JSON.stringify(delivery.payload);
  const webhookId = delivery.webhookId ?? randomUUID();
  const eventId = delivery.eventId ?? randomUUID();
  const url = new URL(delivery.path ?? "/webhooks", target.appUrl);
  const response = await fetch(url, {
    method: "POST",
    body,
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": delivery.topic,
      "X-Shopify-Hmac-Sha256": signWebhookBody(body, target.apiSecret),
      "X-Shopify-Shop-Domain": delivery.shop,
      "X-Shopify-API-Version": delivery.apiVersion ?? target.apiVersion,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Triggered-At": delivery.triggeredAt ?? new Date(target.now()).toISOString(),
      "X-Shopify-Event-Id": eventId,
    },
  });
  return { status: response.status, webhookId, eventId, body: await response.text() };
}
