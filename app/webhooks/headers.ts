// The headers Shopify sends with every webhook delivery, read into one typed value.

export const REQUIRED_WEBHOOK_HEADERS = [
  "X-Shopify-Topic",
  "X-Shopify-Hmac-Sha256",
  "X-Shopify-Shop-Domain",
  "X-Shopify-Webhook-Id",
] as const;

export type WebhookHeaders = {
  topic: string;
  hmac: string;
  shop: string;
  webhookId: string;
  eventId: string | null;
  apiVersion: string | null;
  triggeredAt: Date | null;
};

export type ParsedWebhookHeaders = { ok: true; value: WebhookHeaders } | { ok: false; missing: string[] };

export function parseWebhookHeaders(headers: Pick<Headers, "get">): ParsedWebhookHeaders {
  const read = (name: string) => headers.get(name)?.trim() || null;
  const missing = REQUIRED_WEBHOOK_HEADERS.filter((name) => read(name) === null);
  if (missing.length > 0) return { ok: false, missing };
  return {
    ok: true,
    value: {
      topic: read("X-Shopify-Topic")!.toLowerCase(),
      hmac: read("X-Shopify-Hmac-Sha256")!,
      shop: read("X-Shopify-Shop-Domain")!.toLowerCase(),
      webhookId: read("X-Shopify-Webhook-Id")!,
      eventId: read("X-Shopify-Event-Id"),
      apiVersion: read("X-Shopify-API-Version"),
      triggeredAt: parseTimestamp(read("X-Shopify-Triggered-At")),
    },
  };
}

// Null when absent or malformed; receive.server.ts refuses such a delivery (it cannot be
// told from a replay).
function parseTimestamp(value: string | null): Date | null {
  if (value === null) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
