import { describe, expect, it } from "vitest";
import { parseWebhookHeaders, REQUIRED_WEBHOOK_HEADERS } from "./headers";

const complete = {
  "X-Shopify-Topic": "customers/redact",
  "X-Shopify-Hmac-Sha256": "c2lnbmF0dXJl",
  "X-Shopify-Shop-Domain": "Acme-Store.myshopify.com",
  "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
  "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
  "X-Shopify-API-Version": "2025-10",
  "X-Shopify-Triggered-At": "2025-10-30T12:34:56.789Z",
};

describe("parseWebhookHeaders", () => {
  it("reads every Shopify header, case-insensitively, normalising topic and shop", () => {
    const headers = new Headers(
      Object.entries(complete).map(([k, v]): [string, string] => [k.toLowerCase(), v]),
    );
    expect(parseWebhookHeaders(headers)).toEqual({
      ok: true,
      value: {
        topic: "customers/redact",
        hmac: "c2lnbmF0dXJl",
        shop: "acme-store.myshopify.com",
        webhookId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        eventId: "98880550-7158-44d4-b7cd-2c97c8a091b5",
        apiVersion: "2025-10",
        triggeredAt: new Date("2025-10-30T12:34:56.789Z"),
      },
    });
  });

  it.each(REQUIRED_WEBHOOK_HEADERS)("reports %s missing or blank", (name) => {
    const missing = new Headers(complete);
    missing.delete(name);
    expect(parseWebhookHeaders(missing)).toEqual({ ok: false, missing: [name] });
    const blank = new Headers(complete);
    blank.set(name, "   ");
    expect(parseWebhookHeaders(blank)).toEqual({ ok: false, missing: [name] });
  });

  it("lists every missing required header at once", () => {
    expect(parseWebhookHeaders(new Headers())).toEqual({ ok: false, missing: [...REQUIRED_WEBHOOK_HEADERS] });
  });

  it("keeps a delivery whose optional headers are absent or malformed", () => {
    const headers = new Headers(complete);
    headers.delete("X-Shopify-Event-Id");
    headers.delete("X-Shopify-API-Version");
    headers.set("X-Shopify-Triggered-At", "yesterday-ish");
    const parsed = parseWebhookHeaders(headers);
    expect(parsed.ok && parsed.value).toMatchObject({ eventId: null, apiVersion: null, triggeredAt: null });
  });

  it("reads Triggered-At as Shopify writes it, with nanoseconds (the intake's freshness check needs it)", () => {
    const headers = new Headers(complete);
    headers.set("X-Shopify-Triggered-At", "2023-03-29T18:00:27.877041743Z");
    const parsed = parseWebhookHeaders(headers);
    expect(parsed.ok && parsed.value.triggeredAt).toEqual(new Date("2023-03-29T18:00:27.877Z"));
  });
});
