import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "../db.server";
import { loader } from "../routes/healthz";
import { checkServices } from "./service-health.server";

const loaderArgs = { request: new Request("http://app.test/healthz"), params: {}, context: {} };

// Real services on ports where nothing listens: the probes must fail, fast and quietly.
const deadDb = createPrisma("postgresql://postgres@127.0.0.1:1/nothing", 1);
const deadRedis = new Redis("redis://127.0.0.1:1", {
  lazyConnect: true,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null,
});
// The refused connection is the point of these tests; the probe reports it.
deadRedis.on("error", () => undefined);

afterAll(async () => {
  await deadDb.$disconnect();
  deadRedis.disconnect();
});

describe("/healthz", () => {
  it("answers 200 with both services ok and their latency", async () => {
    const response = await loader(loaderArgs);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json();
    expect(body).toEqual({
      status: "ok",
      database: { ok: true, latencyMs: expect.any(Number) },
      redis: { ok: true, latencyMs: expect.any(Number) },
    });
  });

  it("reports each unreachable service without leaking connection details", async () => {
    const health = await checkServices({ db: deadDb, redis: deadRedis });
    expect(health).toMatchObject({ status: "degraded", database: { ok: false }, redis: { ok: false } });
    expect(JSON.stringify(health)).not.toMatch(/postgres|redis:|127\.0\.0\.1/);
  });

  it("is degraded when only Redis is down", async () => {
    const health = await checkServices({ redis: deadRedis });
    expect(health).toMatchObject({ status: "degraded", database: { ok: true }, redis: { ok: false } });
  });
});
