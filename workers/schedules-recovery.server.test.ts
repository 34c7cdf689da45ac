import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE, type QueueName } from "~/jobs/definitions";
import { webhookJobs } from "~/jobs/producers.server";
import { createQueue } from "~/jobs/queue.server";
import { missingSchedules, SCHEDULES } from "~/jobs/schedules.server";
import { createProducerRedis, createRedis } from "~/redis.server";
import { receiveWebhook } from "~/webhooks/receive.server";
import { resetDatabase, signedDelivery, TEST_SECRET } from "~tests/support/webhooks.server";
import { startPrivateRedis, type PrivateRedis } from "../scripts/private-redis";
import { startWorkers, type WorkerRuntime } from "./runtime";

// Issue 11 #1: Redis restarted empty during a burst lost the jobs of acknowledged
// webhooks, and with them the sweeper's schedule, which the worker registered only at
// boot: the rows stayed `received` until someone restarted the worker. Here the rows'
// jobs are lost the same way, and the same worker must process the rows once its sweeper
// is back.

const db = prisma();
const SHOP = "schedules-recovery.myshopify.com";
const ROWS = 60;
let server: PrivateRedis;
let connection: Redis;
let producer: Redis;
let runtime: WorkerRuntime;

async function startAll(keepSchedulesEveryMs: number, sweepAfterMinutes = 0) {
  server = await startPrivateRedis();
  connection = createRedis(server.url);
  producer = createProducerRedis(server.url);
  // sweepAfterMinutes 0: a swept row needs no five-minute wait in a test.
  runtime = await startWorkers({ connection, db, concurrency: 4, keepSchedulesEveryMs, sweepAfterMinutes });
  // The first sweep runs at once; the burst comes after it, so only a later sweep can find it.
  const maintenance = createQueue(QUEUE.maintenance, producer);
  await expect
    .poll(async () => (await maintenance.getCompleted()).some((job) => job.name === "sweep-inbox"))
    .toBe(true);
  await maintenance.close();
}

/** Records ROWS deliveries and enqueues them. */
async function recordBurst(): Promise<string[]> {
  const webhooks = createQueue(QUEUE.webhooks, producer);
  const ids: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    const payload = { id: i, email: `c${i}@example.com`, updated_at: "2025-01-01T00:00:00Z" };
    const result = await receiveWebhook(signedDelivery({ topic: "customers/create", shop: SHOP, payload }), {
      db,
      enqueue: async () => undefined,
      secret: TEST_SECRET,
      now: () => new Date(),
    });
    ids.push(result.body.eventId!);
  }
  // Held back an hour: still in Redis, not yet processed, when Redis loses its data.
  await webhooks.addBulk(
    webhookJobs(ids).map((job) => ({ ...job, opts: { ...job.opts, delay: 3_600_000 } })),
  );
  expect(await webhooks.getJobCounts("delayed", "completed")).toEqual({ delayed: 1, completed: 0 });
  await webhooks.close();
  return ids;
}

async function expectAllProcessed(ids: string[]) {
  await expect
    .poll(() => db.webhookEvent.count({ where: { id: { in: ids }, status: "processed" } }), {
      timeout: 15_000,
      interval: 100,
    })
    .toBe(ROWS);
  expect(await db.customer.count({ where: { shop: SHOP } })).toBe(ROWS);
}

const queueOf = (name: QueueName) => createQueue(name, producer) as unknown as Queue;

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP } });
});
afterEach(async () => {
  await runtime.stop();
  await connection.quit();
  producer.disconnect();
  await server.stop();
});

describe("schedules after Redis loses its data", () => {
  it("registers them again when Redis restarts empty, and the sweeper recovers the lost jobs", async () => {
    await startAll(60 * 60_000); // only the reconnection can bring them back within the test
    const ids = await recordBurst();

    await server.stop();
    server = await startPrivateRedis({ port: server.port });

    await expect.poll(() => missingSchedules(queueOf), { timeout: 10_000, interval: 100 }).toEqual([]);
    await expectAllProcessed(ids);
  });

  it("registers them again after a flush under a live connection, within the check interval", async () => {
    await startAll(300);
    const ids = await recordBurst();

    await producer.flushall();
    expect(await missingSchedules(queueOf)).toHaveLength(SCHEDULES.length);

    await expect.poll(() => missingSchedules(queueOf), { timeout: 10_000, interval: 100 }).toEqual([]);
    await expectAllProcessed(ids);
  });

  it("sweeps at once when Redis comes back, not after the sweep delay, so recovery takes seconds", async () => {
    // The production delay: only the catch-up sweep on recovery can find rows this young.
    await startAll(60 * 60_000, 5);
    const ids = await recordBurst();

    await server.stop();
    server = await startPrivateRedis({ port: server.port });

    await expectAllProcessed(ids);
  });
});
