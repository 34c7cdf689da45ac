// npm run bench:intake [-- --duration 20 --concurrency 32 --warmup 3]
// Sustained webhook intake through the real HTTP route: the production build served by
// remix-serve, on a scratch database and a private Redis, receiving signed orders/create
// deliveries over keep-alive connections. Every request is HMAC-verified, written to the
// inbox and enqueued; the run checks afterwards that the inbox and the queue hold exactly
// the acknowledged deliveries. Targets: >= 1,000 webhooks/s with p99 acknowledgement < 100 ms.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { webhookHmac } from "../app/webhooks/hmac";
import { startApp } from "./support/app";
import { benchShop, percentile } from "./support/orders";
import {
  appEnv,
  BENCH_SECRET,
  freePort,
  processCpuMs,
  scratchDatabase,
  scratchRedis,
} from "./support/services";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    warmup: { type: "string", default: "3" },
    concurrency: { type: "string", default: "32" },
    // Writes a V8 tick profile of the app process (node --prof-process <file> reads it).
    profile: { type: "string" },
  },
});
const DURATION_S = Number(args.duration);
const WARMUP_S = Number(args.warmup);
const CONCURRENCY = Number(args.concurrency);
const SHOP = "bench-intake.myshopify.com";
const TARGET_RATE = 1_000;
const TARGET_P99_MS = 100;

type Signed = { body: Buffer; hmac: string };

function presign(): Signed[] {
  const shop = benchShop(SHOP, { customers: 500, products: 200, orders: 1_000 });
  return shop.orders.map((order) => {
    const body = Buffer.from(shop.orderBody(order));
    return { body, hmac: webhookHmac(BENCH_SECRET, body) };
  });
}

type Phase = { ok: number; failed: number; statuses: Map<number, number>; latencies: number[] };

/** Closed loop: each lane sends its next delivery as soon as the previous one is acknowledged. */
async function drive(url: URL, signed: Signed[], seconds: number, agent: http.Agent): Promise<Phase> {
  const phase: Phase = { ok: 0, failed: 0, statuses: new Map(), latencies: [] };
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  const send = (delivery: Signed) =>
    new Promise<number>((resolve) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: "/webhooks",
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "Content-Length": delivery.body.length,
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Hmac-Sha256": delivery.hmac,
            "X-Shopify-Shop-Domain": SHOP,
            "X-Shopify-Webhook-Id": randomUUID(),
            "X-Shopify-Event-Id": randomUUID(),
            "X-Shopify-API-Version": "2025-10",
            "X-Shopify-Triggered-At": new Date().toISOString(),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", () => resolve(0));
      req.end(delivery.body);
    });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const status = await send(signed[next++ % signed.length]!);
        phase.latencies.push(performance.now() - started);
        phase.statuses.set(status, (phase.statuses.get(status) ?? 0) + 1);
        if (status === 200) phase.ok += 1;
        else phase.failed += 1;
      }
    }),
  );
  return phase;
}

async function main() {
  const logDir = mkdtempSync(join(tmpdir(), "bench-intake-"));
  console.log("Setting up: scratch database, private Redis, production build ...");
  const database = await scratchDatabase("intake");
  const redis = await scratchRedis();
  const port = await freePort();
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    const nodeArgs = args.profile ? (JSON.parse(args.profile) as string[]) : [];
    app = await startApp(appEnv(database.url, redis.url, port), join(logDir, "app.log"), nodeArgs);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    await db.query(`INSERT INTO "Shop" ("domain", "updatedAt") VALUES ($1, now())`, [SHOP]);
    const signed = presign();
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const url = new URL(app.url);

    console.log(`Warming up for ${WARMUP_S} s, then measuring ${DURATION_S} s at ${CONCURRENCY} connections`);
    const warm = await drive(url, signed, WARMUP_S, agent);
    const cpuBefore = processCpuMs(app.pid);
    const started = performance.now();
    const run = await drive(url, signed, DURATION_S, agent);
    const seconds = (performance.now() - started) / 1000;
    const appCpuMs = processCpuMs(app.pid) - cpuBefore;
    agent.destroy();

    // Everything acknowledged must be in the inbox and in the queue: nothing was dropped.
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "WebhookEvent"`);
    await db.end();
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue("webhooks", { connection });
    // Rows recorded together share a job (webhookJobs): count the rows the jobs carry.
    let jobs = 0;
    let queued = 0;
    for (let start = 0; ; start += 1000) {
      const page = await queue.getJobs(["waiting", "prioritized", "delayed", "active"], start, start + 999);
      jobs += page.length;
      for (const job of page) {
        const data = job.data as { eventId?: string; eventIds?: string[] };
        queued += data.eventIds?.length ?? (data.eventId ? 1 : 0);
      }
      if (page.length < 1000) break;
    }
    await queue.close();
    connection.disconnect();
    const acknowledged = warm.ok + run.ok;
    const inbox = Number(rows[0]!.n);

    const rate = run.ok / seconds;
    const p50 = percentile(run.latencies, 50);
    const p99 = percentile(run.latencies, 99);
    const statuses = [...run.statuses].map(([s, n]) => `${s || "error"}×${n}`).join(", ");
    console.log(
      `${run.ok + run.failed} deliveries in ${seconds.toFixed(1)} s (${statuses}); ` +
        `latency p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${percentile(run.latencies, 100).toFixed(1)} ms`,
    );
    // The machine is shared, so the app's own CPU per delivery says what one core sustains.
    console.log(
      `app process CPU ${(appCpuMs / 1000).toFixed(1)} s over ${seconds.toFixed(1)} s wall: ` +
        `${(appCpuMs / Math.max(1, run.ok)).toFixed(2)} ms per delivery (load average ${loadavg()[0]!.toFixed(1)})`,
    );
    console.log(
      `inbox rows ${inbox}, queued rows ${queued} in ${jobs} jobs (${(queued / Math.max(1, jobs)).toFixed(1)} a job), ` +
        `acknowledged ${acknowledged} (warm-up included)`,
    );
    if (run.failed > 0 || inbox !== acknowledged || queued !== acknowledged) {
      console.log(
        "intake check FAILED: acknowledged deliveries and inbox/queue contents differ, or requests failed",
      );
      process.exitCode = 1;
    }
    console.log(`intake: ${Math.round(rate)} webhooks/s (target >= ${TARGET_RATE} webhooks/s)`);
    console.log(`intake p99: ${p99.toFixed(1)} ms (target < ${TARGET_P99_MS} ms)`);
  } finally {
    await app?.stop();
    await redis.stop();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
