import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { closeQueues } from "~/jobs/queue.server";
import { action } from "~/routes/webhooks";
import { webhookHmac } from "./hmac";
import { DELIVERY_MAX_AGE_MS, receiveWebhook, type ReceiveDeps } from "./receive.server";
import { resetDatabase, signedDelivery, TEST_SECRET } from "~tests/support/webhooks.server";

// Signed deliveries the inbox cannot store (issue 11 #7) and unsigned headers that do
// not fit the signed body (#8). A body that can never be stored is recorded as failed
// and acknowledged, so Shopify stops retrying it; a replayed body is refused with 401.

const SHOP = "poison-test.myshopify.com";
const OTHER = "other-poison.myshopify.com";
const db = prisma();
const enqueued: string[] = [];
const deps = (overrides: Partial<ReceiveDeps> = {}): ReceiveDeps => ({
  db,
  enqueue: async (id) => {
    enqueued.push(id);
  },
  secret: TEST_SECRET,
  now: () => new Date(),
  ...overrides,
});

/** A delivery of the exact body text, signed as Shopify signs it. */
function rawDelivery(text: string, topic = "orders/create", shop = SHOP) {
  const delivery = signedDelivery({ topic, shop, payload: {} });
  const rawBody = new TextEncoder().encode(text);
  delivery.headers.set("X-Shopify-Hmac-Sha256", webhookHmac(TEST_SECRET, rawBody));
  return { headers: delivery.headers, rawBody };
}

beforeEach(async () => {
  await resetDatabase(db);
  enqueued.length = 0;
});
afterAll(async () => {
  await closeQueues();
});

async function failedRow(result: Awaited<ReturnType<typeof receiveWebhook>>) {
  expect(result.status, result.body.message).toBe(200);
  const row = await db.webhookEvent.findUniqueOrThrow({ where: { id: result.body.eventId } });
  expect(row.status).toBe("failed");
  expect(enqueued).toEqual([]);
  return row;
}

describe("bodies PostgreSQL cannot store (these answered 503, so Shopify retried for 48 h)", () => {
  it("records \\u0000 as failed with U+FFFD in its place", async () => {
    const text = '{"id": 1, "note": "a\\u0000b", "tags\\u0000": "x"}';
    const row = await failedRow(await receiveWebhook(rawDelivery(text), deps()));
    expect(row.payload).toEqual({ id: 1, note: "a\uFFFDb", "tags\uFFFD": "x" });
    expect(row.lastError).toMatch(/^Not processed: the body holds 2 \\u0000 or unpaired surrogate/);
  });

  it("records a lone surrogate as failed, and keeps a proper pair", async () => {
    const text = '{"id": 1, "name": "\\ud800 and \\ud83d\\ude00"}';
    const row = await failedRow(await receiveWebhook(rawDelivery(text), deps()));
    expect(row.payload).toEqual({ id: 1, name: "\uFFFD and 😀" });
  });

  it("records 200,000-deep nesting as failed without parsing it", async () => {
    const text = `{"a": ${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    const row = await failedRow(await receiveWebhook(rawDelivery(text), deps()));
    expect(row.lastError).toBe("Not processed: the body nests deeper than 64 levels");
    expect(row.payload).toMatchObject({ unstorable: true, bytes: text.length });
  });

  it("records a number beyond PostgreSQL's numeric as failed with the SQLSTATE", async () => {
    const result = await receiveWebhook(rawDelivery('{"id": 1e200000}'), deps());
    expect(result.body.message).toBe(
      "Recorded as failed: Not processed: PostgreSQL cannot store the body (SQLSTATE 22003)",
    );
    const row = await failedRow(result);
    expect(row.lastError).toBe("Not processed: PostgreSQL cannot store the body (SQLSTATE 22003)");
  });

  it("answers a redelivery of a failed body as already recorded, still not enqueued", async () => {
    const delivery = rawDelivery('{"id": 1, "note": "\\u0000"}');
    await failedRow(await receiveWebhook(delivery, deps()));
    const again = await receiveWebhook(delivery, deps());
    expect(again).toMatchObject({ status: 200, body: { message: "Already recorded" } });
    expect(enqueued).toEqual([]);
    expect(await db.webhookEvent.count()).toBe(1);
  });

  it("still stores an ordinary body byte for byte and enqueues it", async () => {
    const text = '{"id": 18446744073709551615, "note": "\\u00e9\\ud83d\\ude00"}';
    const result = await receiveWebhook(rawDelivery(text), deps());
    expect(result.status).toBe(200);
    const [row] = await db.$queryRaw<{ payload: string; status: string }[]>`
      SELECT "payload"::text AS payload, "status"::text AS status FROM "WebhookEvent"`;
    expect(row).toEqual({ payload: '{"id": 18446744073709551615, "note": "é😀"}', status: "received" });
    expect(enqueued).toEqual([result.body.eventId]);
  });
});

describe("headers that do not fit the signed body", () => {
  it("answers 401 to a missing signature (was 400)", async () => {
    const delivery = signedDelivery({ topic: "orders/create", shop: SHOP, payload: { id: 1 } });
    delivery.headers.delete("X-Shopify-Hmac-Sha256");
    const result = await receiveWebhook(delivery, deps());
    expect(result.status).toBe(401);
    expect(result.body.message).toContain("X-Shopify-Hmac-Sha256");
    expect(await db.webhookEvent.count()).toBe(0);
  });

  it("refuses a signed privacy request replayed under another shop's domain (was recorded into it)", async () => {
    const payload = { shop_id: 1, shop_domain: SHOP };
    const original = signedDelivery({ topic: "shop/redact", shop: SHOP, payload });
    original.headers.set("X-Shopify-Shop-Domain", OTHER);
    const result = await receiveWebhook(original, deps());
    expect(result.status).toBe(401);
    expect(result.body.message).toContain("shop_domain");
    const uninstall = signedDelivery({
      topic: "app/uninstalled",
      shop: OTHER,
      payload: { myshopify_domain: SHOP },
    });
    expect((await receiveWebhook(uninstall, deps())).status).toBe(401);
    expect(await db.webhookEvent.count()).toBe(0);
    // The same body under its own shop (any letter case) is recorded.
    const honest = signedDelivery({ topic: "shop/redact", shop: SHOP.toUpperCase(), payload });
    expect((await receiveWebhook(honest, deps())).status).toBe(200);
  });

  it("refuses a delivery triggered longer ago than Shopify retries, in the future, or with no time", async () => {
    const now = new Date("2026-03-01T12:00:00Z");
    const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
    const send = (triggeredAt: string | null) => {
      const delivery = signedDelivery({
        topic: "orders/create",
        shop: SHOP,
        payload: { id: 1 },
        triggeredAt: "x",
      });
      if (triggeredAt === null) delivery.headers.delete("X-Shopify-Triggered-At");
      else delivery.headers.set("X-Shopify-Triggered-At", triggeredAt);
      return receiveWebhook(delivery, deps({ now: () => now }));
    };
    expect((await send(at(-DELIVERY_MAX_AGE_MS - 60_000))).status).toBe(401);
    expect((await send(at(10 * 60_000))).status).toBe(401);
    expect((await send(null)).status).toBe(401);
    expect((await send("yesterday")).status).toBe(401);
    expect(await db.webhookEvent.count()).toBe(0);
    expect((await send(at(-DELIVERY_MAX_AGE_MS + 60_000))).status).toBe(200);
    expect((await send(at(60_000))).status).toBe(200);
  });
});

describe("POST /webhooks body limit", () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    action({
      request: new Request("http://localhost/webhooks", {
        method: "POST",
        body,
        headers,
        ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
      } as RequestInit),
      params: {},
      context: {},
    });

  it("answers 413 to a body over 10 MB, declared or streamed, before reading it all", async () => {
    const declared = await post(new Uint8Array(11 * 1024 * 1024));
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { message: string }).message).toContain("10 MB");

    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    expect((await post(endless)).status).toBe(413);
    expect(pulled).toBeLessThan(20);
    expect(await db.webhookEvent.count()).toBe(0);
  });
});
