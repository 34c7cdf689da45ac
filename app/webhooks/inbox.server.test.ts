import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { closeQueues, queue } from "~/jobs/queue.server";
import { QUEUE } from "~/jobs/definitions";
import { redis } from "~/redis.server";
import { action } from "~/routes/webhooks";
import { parseWebhookHeaders } from "./headers";
import { recordDeliveries } from "./inbox.server";
import { webhookHmac } from "./hmac";
import { resetDatabase, signedDelivery, TEST_SECRET } from "~tests/support/webhooks.server";

const db = prisma();
const SHOP = "inbox-batch.myshopify.com";

function delivery(webhookId: string, payload: unknown = { id: 1 }) {
  const signed = signedDelivery({ topic: "orders/create", shop: SHOP, payload, webhookId });
  const parsed = parseWebhookHeaders(signed.headers);
  if (!parsed.ok) throw new Error("bad headers");
  return {
    headers: parsed.value,
    rawJson: Buffer.from(signed.rawBody).toString("utf8"),
    receivedAt: new Date(),
  };
}

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
});
afterAll(async () => {
  await closeQueues();
});

describe("recordDeliveries", () => {
  it("records a batch in order, once per webhook id, even with repeats inside the batch", async () => {
    const [first] = await recordDeliveries(db, [delivery("w1")]);
    const entries = await recordDeliveries(db, [
      delivery("w2"),
      delivery("w1"),
      delivery("w3"),
      delivery("w2"),
    ]);
    expect(entries.map((e) => e.created)).toEqual([true, false, true, false]);
    expect(entries[1]!.id).toBe(first!.id);
    expect(entries[3]!.id).toBe(entries[0]!.id);
    expect(await db.webhookEvent.count()).toBe(3);
    const row = await db.webhookEvent.findUniqueOrThrow({ where: { id: entries[2]!.id } });
    expect(row).toMatchObject({ shop: SHOP, topic: "orders/create", webhookId: "w3", payload: { id: 1 } });
  });
});

describe("POST /webhooks under concurrency", () => {
  /** A payload, or the exact body text when given as a string. */
  const post = (webhookId: string, payload: unknown) => {
    const { headers, rawBody: signed } = signedDelivery({
      topic: "orders/create",
      shop: SHOP,
      payload,
      webhookId,
    });
    const rawBody = typeof payload === "string" ? new TextEncoder().encode(payload) : signed;
    headers.set("X-Shopify-Hmac-Sha256", webhookHmac(TEST_SECRET, rawBody));
    return action({
      request: new Request("http://localhost/webhooks", { method: "POST", headers, body: rawBody }),
      params: {},
      context: {},
    });
  };

  it("acknowledges every simultaneous delivery after recording and enqueuing it; a poison row fails alone", async () => {
    const responses = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => post(`c${i}`, { id: i })),
      // Valid JSON that PostgreSQL's jsonb refuses: recorded apart as failed, not enqueued.
      post("poison", '{"id": 1e200000}'),
    ]);
    expect(responses.map((r) => r.status)).toEqual(Array(31).fill(200));
    expect(await db.webhookEvent.count({ where: { status: "received" } })).toBe(30);
    expect(await db.webhookEvent.findFirstOrThrow({ where: { webhookId: "poison" } })).toMatchObject({
      status: "failed",
      lastError: "Not processed: PostgreSQL cannot store the body (SQLSTATE 22003)",
    });
    const ids = (await db.webhookEvent.findMany({ where: { status: "received" }, select: { id: true } }))
      .map((r) => r.id)
      .sort();
    // Rows recorded together share a job: every row is in exactly one waiting job.
    const queued = (await queue(QUEUE.webhooks).getJobs(["waiting"]))
      .flatMap((j) => {
        const data = j.data as { eventId?: string; eventIds?: string[] };
        return data.eventIds ?? (data.eventId ? [data.eventId] : []);
      })
      .sort();
    expect(queued).toEqual(ids);
  });
});
