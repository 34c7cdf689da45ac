import { Worker } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createPrisma, prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { enqueueWebhook, requeueWebhook } from "~/jobs/producers.server";
import { closeQueues, queue } from "~/jobs/queue.server";
import { createRedis, redis } from "~/redis.server";
import { action } from "~/routes/webhooks";
import { webhookHmac } from "./hmac";
import { receiveWebhook, type ReceiveDeps } from "./receive.server";
import { sweepInbox } from "./sweeper.server";
import { resetDatabase, signedDelivery, TEST_SECRET } from "~tests/support/webhooks.server";

const SHOP = "receive-test.myshopify.com";
const db = prisma();
const deps = (overrides: Partial<ReceiveDeps> = {}): ReceiveDeps => ({
  db,
  enqueue: enqueueWebhook,
  secret: TEST_SECRET,
  now: () => new Date(),
  ...overrides,
});
const order = { id: 450789469, email: "jane@example.com", total_price: "19.99" };

async function jobIds() {
  const jobs = await queue(QUEUE.webhooks).getJobs(["waiting", "delayed", "active", "completed", "failed"]);
  return jobs.map((j) => j.id).sort();
}

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
});
afterAll(async () => {
  await closeQueues();
});

describe("receiveWebhook", () => {
  it("answers 400 naming the missing headers and stores nothing", async () => {
    const delivery = signedDelivery({ topic: "orders/create", shop: SHOP, payload: order });
    delivery.headers.delete("X-Shopify-Webhook-Id");
    delivery.headers.delete("X-Shopify-Topic");
    const result = await receiveWebhook(delivery, deps());
    expect(result.status).toBe(400);
    expect(result.body.message).toContain("X-Shopify-Topic");
    expect(result.body.message).toContain("X-Shopify-Webhook-Id");
    expect(await db.webhookEvent.count()).toBe(0);
  });

  it("answers 401 to a bad signature and stores and enqueues nothing", async () => {
    const forged = signedDelivery({
      topic: "orders/create",
      shop: SHOP,
      payload: order,
      secret: "not-the-secret",
    });
    expect((await receiveWebhook(forged, deps())).status).toBe(401);
    const tampered = signedDelivery({ topic: "orders/create", shop: SHOP, payload: order });
    const body = new TextEncoder().encode(JSON.stringify({ ...order, total_price: "0.01" }));
    expect((await receiveWebhook({ headers: tampered.headers, rawBody: body }, deps())).status).toBe(401);
    expect(await db.webhookEvent.count()).toBe(0);
    expect(await jobIds()).toEqual([]);
  });

  it("records a correctly signed body that is not a JSON object as failed, answered 200 (was 400)", async () => {
    const delivery = signedDelivery({ topic: "orders/create", shop: SHOP, payload: order });
    const rawBody = new TextEncoder().encode("not json {");
    delivery.headers.set("X-Shopify-Hmac-Sha256", webhookHmac(TEST_SECRET, rawBody));
    const result = await receiveWebhook({ headers: delivery.headers, rawBody }, deps());
    expect(result.status).toBe(200);
    const row = await db.webhookEvent.findUniqueOrThrow({ where: { id: result.body.eventId } });
    expect(row).toMatchObject({
      status: "failed",
      lastError: "Not processed: the body is not a JSON object",
    });
    expect(row.payload).toMatchObject({ unstorable: true, bytes: rawBody.length });
    expect(await jobIds()).toEqual([]);
  });

  it("records the delivery with its Shopify metadata and enqueues it under the row id", async () => {
    const delivery = signedDelivery({
      topic: "orders/create",
      shop: SHOP,
      payload: order,
      triggeredAt: "2025-11-01T10:00:00.123Z",
    });
    const result = await receiveWebhook(delivery, deps({ now: () => new Date("2025-11-01T10:00:02Z") }));
    expect(result.status).toBe(200);
    const row = await db.webhookEvent.findFirstOrThrow();
    expect(row).toMatchObject({
      id: result.body.eventId,
      shop: SHOP,
      topic: "orders/create",
      webhookId: delivery.headers.get("X-Shopify-Webhook-Id"),
      eventId: delivery.headers.get("X-Shopify-Event-Id"),
      apiVersion: "2025-10",
      triggeredAt: new Date("2025-11-01T10:00:00.123Z"),
      payload: order,
      status: "received",
      attempts: 0,
    });
    expect(await jobIds()).toEqual([row.id]);
    const job = await queue(QUEUE.webhooks).getJob(row.id);
    expect(job?.data).toEqual({ eventId: row.id });
  });

  it("records a repeated delivery once and enqueues it once", async () => {
    const delivery = signedDelivery({ topic: "orders/create", shop: SHOP, payload: order });
    const first = await receiveWebhook(delivery, deps());
    const second = await receiveWebhook(delivery, deps());
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.eventId).toBe(first.body.eventId);
    expect(await db.webhookEvent.count()).toBe(1);
    expect(await jobIds()).toEqual([first.body.eventId]);
  });

  it("does not enqueue a repeated delivery of an event already processed", async () => {
    const delivery = signedDelivery({ topic: "orders/create", shop: SHOP, payload: order });
    const first = await receiveWebhook(delivery, deps({ enqueue: async () => undefined }));
    await db.webhookEvent.update({ where: { id: first.body.eventId }, data: { status: "processed" } });
    const enqueued: string[] = [];
    const second = await receiveWebhook(delivery, deps({ enqueue: async (id) => void enqueued.push(id) }));
    expect(second.status).toBe(200);
    expect(enqueued).toEqual([]);
  });

  it("answers 503 when the inbox cannot be written, so Shopify retries", async () => {
    const unreachable = createPrisma("postgresql://postgres@127.0.0.1:1/nope", 1);
    const enqueued: string[] = [];
    try {
      const delivery = signedDelivery({ topic: "orders/create", shop: SHOP, payload: order });
      const result = await receiveWebhook(
        delivery,
        deps({ db: unreachable, enqueue: async (id) => void enqueued.push(id) }),
      );
      expect(result.status).toBe(503);
    } finally {
      await unreachable.$disconnect();
    }
    expect(enqueued).toEqual([]);
  });

  it("answers 200 when only the enqueue fails, and the sweeper enqueues the row later", async () => {
    const delivery = signedDelivery({ topic: "orders/create", shop: SHOP, payload: order });
    const result = await receiveWebhook(
      delivery,
      deps({ enqueue: () => Promise.reject(new Error("Redis is down")) }),
    );
    expect(result.status).toBe(200);
    expect(await jobIds()).toEqual([]);

    const sweep = (minutesLater: number) =>
      sweepInbox({
        db,
        enqueue: (id) => requeueWebhook(queue(QUEUE.webhooks), id),
        now: () => new Date(Date.now() + minutesLater * 60_000),
      });
    expect(await sweep(0)).toEqual({ swept: 0 });
    expect(await sweep(6)).toEqual({ swept: 1 });
    expect(await sweep(7)).toEqual({ swept: 1 });
    expect(await jobIds()).toEqual([result.body.eventId]);
  });

  it("lets the sweeper revive a row whose job finished without processing it", async () => {
    const delivery = signedDelivery({ topic: "orders/create", shop: SHOP, payload: order });
    const { body } = await receiveWebhook(delivery, deps());
    const eventId = body.eventId!;
    // A job that completes without touching the row, as when its work was lost.
    // A worker's connection: the producer connection (redis()) fails fast instead of waiting.
    const connection = createRedis();
    const worker = new Worker(QUEUE.webhooks, async () => undefined, { connection });
    await new Promise((resolve) => worker.once("completed", resolve));
    await worker.close();
    await connection.quit();
    const webhooks = queue(QUEUE.webhooks);
    expect(await webhooks.getJobState(eventId)).toBe("completed");

    await enqueueWebhook(eventId);
    expect(await webhooks.getJobState(eventId)).toBe("completed"); // a plain add is a no-op
    await requeueWebhook(webhooks, eventId);
    expect(await webhooks.getJobState(eventId)).toBe("waiting");
  });
});

describe("POST /webhooks", () => {
  it("answers a valid delivery with 200 in milliseconds", async () => {
    const post = async () => {
      const { headers, rawBody } = signedDelivery({
        topic: "app/uninstalled",
        shop: SHOP,
        payload: { id: 1 },
      });
      const request = new Request("http://localhost/webhooks", { method: "POST", headers, body: rawBody });
      const started = performance.now();
      const response = await action({ request, params: {}, context: {} });
      return { status: response.status, ms: performance.now() - started };
    };
    await post(); // warm-up: first connections to PostgreSQL and Redis
    const timings = [];
    for (let i = 0; i < 10; i += 1) timings.push(await post());
    expect(timings.every((t) => t.status === 200)).toBe(true);
    expect(Math.max(...timings.map((t) => t.ms))).toBeLessThan(250);
    expect(await db.webhookEvent.count()).toBe(11);
  });
});
