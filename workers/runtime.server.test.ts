import { spawn } from "node:child_process";
import type { Job } from "bullmq";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { QUEUE, QUEUE_NAMES } from "~/jobs/definitions";
import { queueHealth, workerHeartbeats } from "~/jobs/health.server";
import { enqueueWebhook, enqueueWebhooks } from "~/jobs/producers.server";
import { closeQueues, queue } from "~/jobs/queue.server";
import { createRedis, redis } from "~/redis.server";
import { processWebhookEvent } from "~/webhooks/process.server";
import { receiveWebhook } from "~/webhooks/receive.server";
import { resetDatabase, signedDelivery, TEST_SECRET } from "~tests/support/webhooks.server";
import { startWorkers, type WorkerRuntime } from "./runtime";

const db = prisma();
const SHOP = "worker-test.myshopify.com";
const connection = createRedis(env().REDIS_URL);
let runtime: WorkerRuntime | undefined;

async function receive(topic: string, payload: unknown, enqueue = enqueueWebhook) {
  const result = await receiveWebhook(signedDelivery({ topic, shop: SHOP, payload }), {
    db,
    enqueue,
    secret: TEST_SECRET,
    now: () => new Date(),
  });
  expect(result.status).toBe(200);
  return result.body.eventId!;
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await db.shop.create({ data: { domain: SHOP } });
  await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "s", accessToken: "tok" } });
});
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});
afterAll(async () => {
  await closeQueues();
  await connection.quit();
});

describe("worker runtime", () => {
  it("processes webhooks, schedules the sweeper and reports heartbeats and queue health", async () => {
    runtime = await startWorkers({ connection, db, concurrency: 2 });
    const id = await receive("app/uninstalled", { id: 1, myshopify_domain: SHOP });
    await waitFor(async () => (await db.webhookEvent.findUnique({ where: { id } }))?.status === "processed");
    expect((await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).status).toBe("uninstalled");

    expect(await queue(QUEUE.maintenance).getJobScheduler("sweep-inbox")).toMatchObject({ every: 60_000 });
    expect(await queue(QUEUE.loyalty).getJobScheduler("schedule-loyalty")).toMatchObject({
      every: 3_600_000,
    });
    expect(await queue(QUEUE.shopifySync).getJobScheduler("schedule-shopify-sync")).toMatchObject({
      every: 60_000,
    });
    const [beat] = await workerHeartbeats();
    expect(beat).toMatchObject({ pid: process.pid, queues: QUEUE_NAMES });
    expect(Date.parse(beat!.lastBeatAt)).toBeGreaterThan(Date.now() - 30_000);
    const health = await waitFor(async () => {
      const h = await queueHealth();
      return h.find((q) => q.name === "webhooks")?.completed === 1 && h;
    });
    expect(health.map((q) => q.name)).toEqual(QUEUE_NAMES);

    await runtime.stop();
    expect(await workerHeartbeats()).toEqual([]);
  });

  it("processes deliveries recorded together in one job", async () => {
    runtime = await startWorkers({ connection, db, concurrency: 2 });
    const later = async () => undefined;
    const ids = [
      await receive(
        "customers/create",
        { id: 501, email: "a@example.com", updated_at: "2025-01-01T00:00:00Z" },
        later,
      ),
      await receive(
        "customers/create",
        { id: 502, email: "b@example.com", updated_at: "2025-01-01T00:00:00Z" },
        later,
      ),
      await receive("products/create", { id: 601, title: "Mug", updated_at: "2025-01-01T00:00:00Z" }, later),
    ];
    await enqueueWebhooks(ids);
    await waitFor(async () =>
      (await db.webhookEvent.findMany({ where: { id: { in: ids } } })).every((e) => e.status === "processed"),
    );
    expect(await db.customer.count({ where: { shop: SHOP } })).toBe(2);
    const health = await waitFor(async () => {
      const h = await queueHealth();
      return h.find((q) => q.name === "webhooks")?.completed === 1 && h;
    });
    expect(health.find((q) => q.name === "webhooks")).toMatchObject({ completed: 1, failed: 0 });
  });

  it("lets a job in flight finish when shutting down", async () => {
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    runtime = await startWorkers({
      connection,
      db,
      concurrency: 1,
      processors: {
        webhooks: async (job: Job) => {
          started();
          await new Promise((r) => setTimeout(r, 400));
          return processWebhookEvent(db, (job.data as { eventId: string }).eventId);
        },
      },
    });
    const id = await receive("app/uninstalled", { id: 1, myshopify_domain: SHOP });
    await inFlight;
    await runtime.stop();

    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "processed",
      attempts: 1,
    });
    expect(await queue(QUEUE.webhooks).getJobState(id)).toBe("completed");
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("runs as `npm run worker` and exits 0 on SIGTERM", async () => {
    // The command package.json runs. Not the tsx CLI: it runs the script in a child and
    // SIGKILLs it when it does not acknowledge a relayed signal within 30 ms.
    const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await waitFor(async () => (await workerHeartbeats()).some((b) => b.pid === child.pid), 20_000);
    } finally {
      child.kill("SIGTERM");
    }
    expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: "" });
    expect(await workerHeartbeats()).toEqual([]);
  });
});
