import type { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { QUEUE_NAMES, type QueueName } from "../jobs/definitions";
import { startHeartbeat } from "../jobs/heartbeat.server";
import { closeQueues, queue } from "../jobs/queue.server";
import { SCHEDULES, upsertSchedules } from "../jobs/schedules.server";
import { redis } from "../redis.server";
import { loader as healthz } from "../routes/healthz";
import { loader } from "../routes/readyz";
import { checkReadiness } from "./readiness.server";

const args = (path: string) => ({ request: new Request(`http://app.test${path}`), params: {}, context: {} });
const queueOf = (name: QueueName) => queue(name) as unknown as Queue;
const stops: Array<() => Promise<void>> = [];

const deadRedis = new Redis("redis://127.0.0.1:1", {
  lazyConnect: true,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null,
});
deadRedis.on("error", () => undefined); // refused on purpose

beforeEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await redis().flushdb();
});
afterAll(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await closeQueues();
  deadRedis.disconnect();
});

async function aliveWorker(beatAt?: Date) {
  const beat = await startHeartbeat(redis(), { queues: [...QUEUE_NAMES], now: beatAt && (() => beatAt) });
  stops.push(beat.stop);
}

describe("/readyz", () => {
  it("is ready when a worker is alive and every schedule is registered", async () => {
    await aliveWorker();
    await upsertSchedules(queueOf);

    const response = await loader(args("/readyz"));

    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toEqual({ ready: true, reasons: [], workers: 1 });
  });

  it("answers 503 with the reasons when no worker runs and the schedules are gone (Redis restarted empty)", async () => {
    const response = await loader(args("/readyz"));

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      ready: false,
      workers: 0,
      reasons: [
        "no worker running (no heartbeat in Redis)",
        `schedules missing in Redis: ${SCHEDULES.map((s) => s.id).join(", ")}`,
      ],
    });
  });

  it("is not ready while the only worker's heartbeat is stale, or one schedule is missing", async () => {
    await aliveWorker(new Date(Date.now() - 5 * 60_000));
    await upsertSchedules(queueOf);
    await queueOf("maintenance").removeJobScheduler("sweep-inbox");

    expect(await checkReadiness()).toEqual({
      ready: false,
      workers: 0,
      reasons: ["worker heartbeat stale (none in the last 30 s)", "schedules missing in Redis: sweep-inbox"],
    });
  });

  it("says Redis is unreachable, quickly and without connection details", async () => {
    const started = performance.now();
    const readiness = await checkReadiness({ redis: deadRedis });
    expect(readiness).toEqual({ ready: false, workers: 0, reasons: ["redis unreachable"] });
    expect(performance.now() - started).toBeLessThan(2_500);
  });
});

describe("/healthz", () => {
  it("stays live (200) while Redis is down, and says so in the body", async () => {
    const producer = globalThis.__redis;
    globalThis.__redis = deadRedis;
    try {
      const response = await healthz(args("/healthz"));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: "degraded", redis: { ok: false } });
    } finally {
      globalThis.__redis = producer;
    }
  });
});
