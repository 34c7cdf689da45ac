// npm run bench:credit [-- --orders 50000 --customers 2000 --concurrency 16 --group 8 --timeout 600 --experiments]
// Orders per second from the inbox to committed ledger entries, through the real worker
// process (`npm run worker`: BullMQ webhooks queue → processWebhookEvent → the topic's
// ingest handler → mirror + loyalty settle + ledger) on a scratch database and a private
// Redis. Customers and products are delivered and processed first (untimed), as a shop
// after its backfill; then N orders/paid deliveries sit in the inbox, are enqueued and
// timed until every row is processed. Target: >= 2,000 orders/s. With --experiments, a 10%
// program holdout and three experiments run meanwhile (assignment, shadow ledger; exposure is
// recorded at assignment by the sweep, not on the crediting path).
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createPrisma, type PrismaClient } from "../app/db.server";
import { DEFAULT_JOB_OPTIONS } from "../app/jobs/options";
import { closeQueues } from "../app/jobs/queue.server";
import { webhookJobs } from "../app/jobs/producers.server";
import { recordDeliveries, type Delivery } from "../app/webhooks/inbox.server";
import { benchShop } from "./support/orders";
import { createExperiment, startHoldout } from "../app/experiments/experiments.server";
import { launchExperiment } from "../app/experiments/lifecycle.server";
import { currentProgramVersion } from "../app/loyalty/services/program.server";
import {
  appEnv,
  freePort,
  processCpuMs,
  scratchDatabase,
  scratchRedis,
  spawnNode,
  stopChild,
} from "./support/services";
import { describeHostSpeed, hostSpeed } from "./support/calibrate";

const { values: args } = parseArgs({
  options: {
    orders: { type: "string", default: "50000" },
    customers: { type: "string", default: "2000" },
    products: { type: "string", default: "200" },
    concurrency: { type: "string", default: "16" },
    /** Deliveries recorded together, as the intake groups concurrent ones (1: a job per row). */
    group: { type: "string", default: "8" },
    timeout: { type: "string", default: "600" },
    // Extra node arguments for the worker, as JSON, e.g. '["--cpu-prof","--cpu-prof-dir=/tmp/prof"]'.
    profile: { type: "string" },
    /** Run with a 10% program holdout and three running experiments on three levers (issue 13). */
    experiments: { type: "boolean", default: false },
  },
});
const ORDERS = Number(args.orders);
const SHOP = "bench-credit.myshopify.com";
const TARGET = 2_000;
const CHUNK = 1_000;

function delivery(topic: string, body: string, at: Date): Delivery {
  return {
    headers: {
      topic,
      hmac: "",
      shop: SHOP,
      webhookId: randomUUID(),
      eventId: randomUUID(),
      apiVersion: "2025-10",
      triggeredAt: at,
    },
    rawJson: body,
    receivedAt: at,
  };
}

async function store(db: PrismaClient, deliveries: Delivery[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < deliveries.length; i += CHUNK)
    ids.push(...(await recordDeliveries(db, deliveries.slice(i, i + CHUNK))).map((e) => e.id));
  return ids;
}

/**
 * Enqueues rows as the intake does (`webhookJobs`): rows recorded together share a job.
 * Under load the intake records concurrent deliveries together: bench:intake measured
 * 9.5 rows a job at 2,300 webhooks/s. `group` sets how many; the default of 8 stays below that.
 */
async function enqueue(queue: Queue, ids: string[], group = 1) {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const jobs = [];
    for (let j = 0; j < chunk.length; j += group) jobs.push(...webhookJobs(chunk.slice(j, j + group)));
    await queue.addBulk(jobs.map((job) => ({ ...job, opts: { ...DEFAULT_JOB_OPTIONS, ...job.opts } })));
  }
}

/** Waits until every given row is processed or failed; returns the counts. */
async function settled(db: PrismaClient, topics: string[], expected: number, deadline: number) {
  for (;;) {
    const [row] = await db.$queryRaw<{ processed: bigint; failed: bigint }[]>`
      SELECT count(*) FILTER (WHERE "status" = 'processed') AS processed,
             count(*) FILTER (WHERE "status" = 'failed') AS failed
      FROM "WebhookEvent" WHERE "topic" = ANY(${topics})`;
    const done = { processed: Number(row!.processed), failed: Number(row!.failed) };
    if (done.processed + done.failed >= expected || Date.now() > deadline) return done;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main() {
  const logDir = mkdtempSync(join(tmpdir(), "bench-credit-"));
  const workerLog = join(logDir, "worker.log");
  console.log(`Setting up: scratch database, private Redis, ${ORDERS} orders ...`);
  const database = await scratchDatabase("credit");
  const speedBefore = await hostSpeed(database.url);
  const redis = await scratchRedis();
  const db = createPrisma(database.url, 4);
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue("webhooks", { connection });
  let worker: ReturnType<typeof spawnNode> | undefined;
  try {
    const shop = benchShop(SHOP, {
      customers: Number(args.customers),
      products: Number(args.products),
      orders: ORDERS,
    });
    await db.shop.create({ data: { domain: SHOP, currencyCode: "USD" } });
    // An installed shop has its program (version 1, the defaults) before orders arrive.
    await currentProgramVersion(db, SHOP);
    if (args.experiments) console.log(await startExperiments(db));
    const now = new Date();
    const prerequisites = await store(db, [
      ...shop.customers.map((c) => delivery("customers/create", shop.customerBody(c), now)),
      ...shop.products.map((p) => delivery("products/create", shop.productBody(p), now)),
    ]);
    const orders = await store(
      db,
      shop.orders.map((o) => delivery("orders/paid", shop.orderBody(o), now)),
    );

    const env = {
      ...appEnv(database.url, redis.url, await freePort()),
      WORKER_CONCURRENCY: args.concurrency,
    };
    const nodeArgs = args.profile ? (JSON.parse(args.profile) as string[]) : [];
    worker = spawnNode([...nodeArgs, "--import", "tsx", "workers/main.ts"], env, workerLog);
    const ready = Date.now() + 60_000;
    while (!readFileSync(workerLog, "utf8").includes("Workers started")) {
      if (worker.exitCode !== null || Date.now() > ready)
        throw new Error(`The worker did not start; see ${workerLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const deadline = Date.now() + Number(args.timeout) * 1000;

    console.log(
      `Processing ${prerequisites.length} customers/create and products/create deliveries (untimed) ...`,
    );
    await enqueue(queue, prerequisites);
    const pre = await settled(db, ["customers/create", "products/create"], prerequisites.length, deadline);
    console.log(`  ${pre.processed} processed, ${pre.failed} failed`);

    console.log(
      `Timing ${orders.length} orders/paid deliveries at WORKER_CONCURRENCY=${args.concurrency} ...`,
    );
    const cpuBefore = processCpuMs(worker.pid!);
    const redisCpuBefore = redis.pid ? processCpuMs(redis.pid) : 0;
    // The database's share: CPU of the server backends serving this scratch database.
    const backends = async () =>
      (
        await db.$queryRaw<{ pid: number }[]>`
          SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`
      ).map((r) => r.pid);
    const backendCpu = (pids: number[]) =>
      new Map(
        pids.flatMap((pid) => {
          try {
            return [[pid, processCpuMs(pid)] as const];
          } catch {
            return []; // ended meanwhile
          }
        }),
      );
    const dbCpuBefore = backendCpu(await backends());
    const started = performance.now();
    await enqueue(queue, orders, Number(args.group));
    const done = await settled(db, ["orders/paid"], orders.length, deadline);
    const seconds = (performance.now() - started) / 1000;
    const workerCpuMs = processCpuMs(worker.pid!) - cpuBefore;
    const redisCpuMs = redis.pid ? processCpuMs(redis.pid) - redisCpuBefore : 0;
    // Backends that started during the run count in full, ones that ended are lost: a floor.
    let dbCpuMs = 0;
    for (const [pid, ms] of backendCpu(await backends())) dbCpuMs += ms - (dbCpuBefore.get(pid) ?? 0);

    // Held-out members' orders earn nothing: their shadow entries stand in for ledger entries.
    const [ledger] = await db.$queryRaw<
      { entries: bigint; orders: bigint; members: bigint; shadowOrders: bigint }[]
    >`
      SELECT count(*) AS entries, count(DISTINCT "orderId") AS orders, count(DISTINCT "customerId") AS members,
             (SELECT count(DISTINCT "orderId") FROM "HoldoutShadowEntry" WHERE "shop" = ${SHOP}) AS "shadowOrders"
      FROM "LedgerEntry" WHERE "shop" = ${SHOP}`;
    const rate = done.processed / seconds;
    console.log(
      `worker process CPU ${(workerCpuMs / 1000).toFixed(1)} s: ` +
        `${(workerCpuMs / Math.max(1, done.processed)).toFixed(2)} ms per order; ` +
        `database backends CPU ${(dbCpuMs / 1000).toFixed(1)} s: ` +
        `${(dbCpuMs / Math.max(1, done.processed)).toFixed(2)} ms per order; ` +
        `redis ${(redisCpuMs / Math.max(1, done.processed)).toFixed(2)} ms per order`,
    );
    console.log(
      `${done.processed} processed, ${done.failed} failed in ${seconds.toFixed(1)} s ` +
        `(load average ${loadavg()[0]!.toFixed(1)}); ledger: ${ledger!.entries} entries ` +
        `for ${ledger!.orders} orders and ${ledger!.members} members` +
        (args.experiments
          ? `; shadow ledger ${ledger!.shadowOrders} orders (exposure is the sweep's, off this path)`
          : ""),
    );
    if (done.processed + done.failed < orders.length) {
      console.log(
        `credit check FAILED: ${orders.length - done.processed - done.failed} rows unprocessed at timeout`,
      );
      process.exitCode = 1;
    } else if (done.failed > 0 || Number(ledger!.orders) + Number(ledger!.shadowOrders) < done.processed) {
      console.log(
        `credit check FAILED: failed rows, or processed orders without ledger entries; see ${workerLog}`,
      );
      process.exitCode = 1;
    }
    console.log(describeHostSpeed("before", speedBefore));
    console.log(describeHostSpeed("after", await hostSpeed(database.url)));
    const setting = args.experiments ? " with a 10% holdout and three running experiments" : "";
    console.log(`credit: ${Math.round(rate)} orders/s${setting} (target >= ${TARGET} orders/s)`);
  } finally {
    if (worker) await stopChild(worker);
    await queue.close();
    await closeQueues();
    connection.disconnect();
    await db.$disconnect();
    await redis.stop();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/** A 10% program holdout and three running experiments on three levers (earn rate, bonuses, expiry). */
async function startExperiments(db: PrismaClient): Promise<string> {
  // Launched a day ago: the bench's orders (placed as it starts) are each member's first after launch.
  const now = new Date(Date.now() - 86_400_000);
  const holdout = await startHoldout(db, SHOP, { sharePercent: 10 }, { now });
  if (!holdout.ok) throw new Error(holdout.message);
  const tests = [
    { key: "earn", lever: "earnRate", patch: { earning: { pointsPerCurrencyUnit: 2 } } },
    { key: "bonus", lever: "bonuses", patch: { earning: { bonuses: { firstOrder: 50 } } } },
    { key: "expiry", lever: "expiry", patch: { expiry: { policy: "inactivity", days: 365 } } },
  ];
  for (const t of tests) {
    const created = await createExperiment(db, SHOP, {
      key: t.key,
      name: t.key,
      lever: t.lever,
      primaryMetric: "netRevenue",
      variants: [
        { key: "control", name: "Control", weight: 50, control: true },
        { key: "treatment", name: "Treatment", weight: 50, override: t.patch },
      ],
    });
    if (!created.ok) throw new Error(`${created.message} ${JSON.stringify(created.fieldErrors)}`);
    const launched = await launchExperiment(db, SHOP, created.value.id, { now });
    if (!launched.ok) throw new Error(launched.message);
  }
  return "Experiments: a 10% program holdout and three running experiments (earnRate, bonuses, expiry), 50/50 each";
}
