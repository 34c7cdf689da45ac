import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startPrivateRedis, type PrivateRedis } from "../../scripts/private-redis";
import { startWorkers, type WorkerRuntime } from "../../workers/runtime";
import { prisma } from "../db.server";
import { QUEUE } from "../jobs/definitions";
import { requeueWebhook } from "../jobs/producers.server";
import { closeQueues, createQueue, queue } from "../jobs/queue.server";
import { createProducerRedis, createRedis, PRODUCER_COMMAND_TIMEOUT_MS } from "../redis.server";
import { intakeDeps } from "./intake.server";
import { receiveWebhook } from "./receive.server";
import { sweepInbox } from "./sweeper.server";
import { resetDatabase, signedDelivery } from "~tests/support/webhooks.server";

// Issue 11 #6: with Redis down, every webhook acknowledgement hung for the whole outage
// although its inbox row was committed, because the producer connection retried forever.
// The web process's connection now fails fast, so the ack comes at once and the sweeper
// enqueues the row once Redis is back.

const db = prisma();
const SHOP = "redis-down.myshopify.com";
let server: PrivateRedis;
let runtime: WorkerRuntime | undefined;
let workerConnection: Redis | undefined;

/** Points this process's producers (queue(), redis()) at the private server. */
async function useProducerRedis(url: string) {
  await closeQueues();
  globalThis.__redis?.disconnect();
  globalThis.__redis = createProducerRedis(url);
  await queue(QUEUE.webhooks).waitUntilReady();
}

async function deliver(payload: unknown) {
  const started = performance.now();
  const result = await receiveWebhook(
    signedDelivery({ topic: "customers/create", shop: SHOP, payload }),
    intakeDeps(),
  );
  return { ...result, ms: performance.now() - started };
}

beforeAll(async () => {
  server = await startPrivateRedis();
});
beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP } });
  await useProducerRedis(server.url);
});
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  await workerConnection?.quit();
  workerConnection = undefined;
});
afterAll(async () => {
  await closeQueues();
  globalThis.__redis?.disconnect();
  globalThis.__redis = undefined;
  await server.stop();
});

const customer = (id: number) => ({ id, email: `c${id}@example.com`, updated_at: "2025-01-01T00:00:00Z" });

describe("webhook intake while Redis is down", () => {
  it("acknowledges within a second, and the row is processed once Redis is back", async () => {
    await server.stop();

    const acks = await Promise.all([deliver(customer(1)), deliver(customer(2))]);

    for (const ack of acks) {
      expect(ack.status).toBe(200);
      expect(ack.ms).toBeLessThan(1_000);
    }
    const ids = acks.map((a) => a.body.eventId!);
    expect(await db.webhookEvent.count({ where: { id: { in: ids }, status: "received" } })).toBe(2);

    // Redis returns, empty; the worker's sweep (here run as if five minutes had passed) enqueues the rows.
    server = await startPrivateRedis({ port: server.port });
    workerConnection = createRedis(server.url);
    runtime = await startWorkers({ connection: workerConnection, db, concurrency: 2 });
    const webhooks = createQueue(QUEUE.webhooks, workerConnection);
    await sweepInbox({
      db,
      enqueue: (eventId) => requeueWebhook(webhooks, eventId),
      now: () => new Date(Date.now() + 6 * 60_000),
    });
    await webhooks.close();
    await expect
      .poll(() => db.webhookEvent.count({ where: { id: { in: ids }, status: "processed" } }), {
        timeout: 10_000,
      })
      .toBe(2);
    expect(await db.customer.count({ where: { shop: SHOP } })).toBe(2);
  });

  it("does not wait for Redis again right after an enqueue timed out, so a burst never queues behind it", async () => {
    await server.stop();
    const first = deliver(customer(10));
    await new Promise((resolve) => setTimeout(resolve, PRODUCER_COMMAND_TIMEOUT_MS + 100));
    // Sent while the first enqueue's timeout is fresh: each would otherwise wait out its own
    // (and, coalesced behind another, two: the fault suite saw 1,055 ms acks).
    const later = [];
    for (let i = 11; i <= 14; i++) {
      later.push(await deliver(customer(i)));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await first).ms).toBeLessThan(1_000);
    for (const ack of later) {
      expect(ack.status).toBe(200);
      expect(ack.ms).toBeLessThan(PRODUCER_COMMAND_TIMEOUT_MS);
    }
    server = await startPrivateRedis({ port: server.port });
  });

  it("acknowledges within a second while Redis accepts connections but does not answer", async () => {
    process.kill(server.pid!, "SIGSTOP");
    try {
      const ack = await deliver(customer(3));
      expect(ack.status).toBe(200);
      expect(ack.ms).toBeLessThan(1_000);
    } finally {
      process.kill(server.pid!, "SIGCONT");
    }
  });
});
