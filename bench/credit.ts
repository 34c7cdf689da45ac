// npm run bench:credit [-- --orders 50000 --customers 2000 --concurrency 16 --group 8 --timeout 600 --experiments --workers 2 --shops 4 --cpu-limit 0.4]
// Orders per second from the inbox to committed ledger entries, through the real worker
// process (`npm run worker`: BullMQ webhooks queue → processWebhookEvent → the topic's
// ingest handler → mirror + loyalty settle + ledger) on a scratch database and a private
// Redis. Customers and products are delivered and processed first (untimed), as a shop
// after its backfill; then N orders/paid deliveries sit in the inbox, are enqueued and
// timed until every row is processed. Target: >= 4,000 orders/s (issue 18). With --workers N
// (N > 1) the same run times as many orders of other shops of the same size (so members'
// histories are as long as in the first phase) with N worker processes (each its own OS
// process, pools and Redis connections, as on N machines) right after the one-worker phase,
// and prints both rates, their ratio against the scale-out target (N × 0.9) and each
// phase's CPU seconds per process and machine-wide use, then checks that nothing was done
// twice: one earn entry per order, every inbox row processed, every member's cached balances
// equal to its ledger. With --cpu-limit C each timed worker process is held to C of a core (a
// control group of its own: as if each ran on a machine of its own), so the ratio can be
// measured on a host without a spare core per process (ADR 0062). With --experiments, a 10%
// program holdout and three experiments run meanwhile (assignment, shadow ledger; exposure is
// recorded at assignment by the sweep, not on the crediting path).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import type { ChildProcess } from "node:child_process";
import { createPrisma, type PrismaClient } from "../app/db.server";
import { rebuildMemberBalances } from "../app/loyalty/services/ledger.server";
import { DEFAULT_JOB_OPTIONS } from "../app/jobs/options";
import { closeQueues } from "../app/jobs/queue.server";
import { webhookJobs } from "../app/jobs/producers.server";
import { recordDeliveries, type Delivery } from "../app/webhooks/inbox.server";
import { benchShop, delivery } from "./support/orders";
import { createExperiment, startHoldout } from "../app/experiments/experiments.server";
import { launchExperiment } from "../app/experiments/lifecycle.server";
import { currentProgramVersion } from "../app/loyalty/services/program.server";
import { appEnv, freePort, scratchDatabase, scratchRedis, spawnNode, stopChild } from "./support/services";
import { describeHostSpeed, hostSpeed } from "./support/calibrate";
import { cpuMsOr0, describeMachine, machineBusy, machineCpu, scaleLine } from "./support/scale";
import { cpuLimitOption, describeCpuLimit } from "./support/cpu-limit";

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
    /**
     * Shops the orders (and customers) are spread over. One shop's order batches take turns
     * across processes (app/ingest/batch.server.ts), so a second worker adds throughput
     * across shops, as on the many-shop app it serves.
     */
    shops: { type: "string", default: "1" },
    /**
     * Orders (of shops of their own) each phase's worker processes credit untimed before the
     * timed ones, so every process's code is compiled and warm when timing starts: a fresh
     * process spends its first seconds compiling, and N processes spend it N times (default
     * a fifth of --orders; 0: none).
     */
    warmup: { type: "string" },
    /** Worker processes of the second phase, on shops of its own (1: one phase only). */
    workers: { type: "string", default: "1" },
    /** Cores each timed worker process may use (a control group each; needs root on Linux). */
    "cpu-limit": { type: "string" },
  },
});
const ORDERS = Number(args.orders);
const SHOP_COUNT = Number(args.shops);
if (!Number.isInteger(SHOP_COUNT) || SHOP_COUNT < 1 || SHOP_COUNT > 100) {
  console.error("--shops must be a whole number from 1 to 100");
  process.exit(2);
}
/**
 * Each phase's shops, the orders spread over them round-robin (one shop in the first phase:
 * the historical single-shop figure). Each phase has shops of its own, of the same size, so
 * the N-worker phase does not read members' histories twice as long as the first did.
 */
const shopsOf = (phase: number, warm = false) =>
  SHOP_COUNT === 1 && phase === 0 && !warm
    ? ["bench-credit.myshopify.com"]
    : Array.from(
        { length: SHOP_COUNT },
        (_, i) => `bench-credit${warm ? "-warm" : ""}${phase ? `-p${phase + 1}` : ""}-${i + 1}.myshopify.com`,
      );
const WARMUP = args.warmup === undefined ? Math.ceil(ORDERS / 5) : Number(args.warmup);
const TARGET = 4_000;
const WORKERS = Number(args.workers);
if (!Number.isInteger(WORKERS) || WORKERS < 1 || WORKERS > 16) {
  console.error("--workers must be a whole number from 1 to 16");
  process.exit(2);
}
const limiter = cpuLimitOption(args["cpu-limit"]);
/** "held to 0.25 of a core each (…)" when --cpu-limit is given. */
const held = limiter ? describeCpuLimit(limiter.cores) : undefined;
const CHUNK = 1_000;

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

/** The topics' rows processed and failed so far. */
async function counts(db: PrismaClient, topics: string[]) {
  const [row] = await db.$queryRaw<{ processed: bigint; failed: bigint }[]>`
    SELECT count(*) FILTER (WHERE "status" = 'processed') AS processed,
           count(*) FILTER (WHERE "status" = 'failed') AS failed
    FROM "WebhookEvent" WHERE "topic" = ANY(${topics})`;
  return { processed: Number(row!.processed), failed: Number(row!.failed) };
}

/**
 * Waits until `ids.length` more of the topics' rows than `before` are processed or failed
 * (the phases run one after another, so the new ones are these); returns this phase's counts.
 */
async function settled(
  db: PrismaClient,
  topics: string[],
  ids: string[],
  deadline: number,
  before = { processed: 0, failed: 0 },
) {
  for (;;) {
    const now = await counts(db, topics);
    const done = { processed: now.processed - before.processed, failed: now.failed - before.failed };
    if (done.processed + done.failed >= ids.length || Date.now() > deadline) return done;
    await new Promise((r) => setTimeout(r, 200));
  }
}

type PhaseResult = {
  workers: number;
  processed: number;
  failed: number;
  seconds: number;
  rate: number;
  workerCpuMs: number[];
  dbCpuMs: number;
  redisCpuMs: number;
  /** Share of the whole machine's CPU that was busy during the phase (0–1). */
  busy: number;
  /** Transactions that processed the phase's rows (a batch marks its rows with one instant). */
  batches: number;
};

/**
 * Vacuums and analyzes the scratch database before a timed phase (untimed), so each phase
 * starts from tables with no dead rows left by the one before: without it the second phase
 * paid for the first's (autovacuum during it, and claims and look-ups past dead index
 * entries), and ran about a quarter slower with the same single worker (ADR 0062).
 */
async function vacuum(db: PrismaClient) {
  await db.$executeRawUnsafe("VACUUM (ANALYZE)");
}

/** Starts `n` worker processes (`npm run worker`) and waits until each has started its workers. */
async function startWorkerProcesses(
  n: number,
  env: Record<string, string>,
  logDir: string,
  label: string,
): Promise<{ children: ChildProcess[]; logs: string[] }> {
  const nodeArgs = args.profile ? (JSON.parse(args.profile) as string[]) : [];
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const log = join(logDir, `worker-${label}-${i + 1}.log`);
    logs.push(log);
    const child = spawnNode([...nodeArgs, "--import", "tsx", "workers/main.ts"], env, log);
    children.push(child);
    if (limiter && label !== "setup") limiter.hold(child.pid!, `worker-${label}-${i + 1}`);
  }
  const ready = Date.now() + 60_000;
  for (const [i, log] of logs.entries()) {
    while (!readFileSync(log, "utf8").includes("Workers started")) {
      if (children[i]!.exitCode !== null || Date.now() > ready)
        throw new Error(`A worker did not start; see ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { children, logs };
}

/** Enqueues the rows and times them until every one is processed or failed, with CPU per process. */
async function timePhase(
  db: PrismaClient,
  queue: Queue,
  redisPid: number | undefined,
  children: ChildProcess[],
  ids: string[],
  deadline: number,
): Promise<PhaseResult> {
  // The database's share: CPU of the server backends serving this scratch database.
  const backends = async () =>
    (
      await db.$queryRaw<{ pid: number }[]>`
        SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`
    ).map((r) => r.pid);
  const backendCpu = (pids: number[]) => new Map(pids.map((pid) => [pid, cpuMsOr0(pid)] as const));
  const workerCpuBefore = children.map((c) => cpuMsOr0(c.pid!));
  const redisCpuBefore = redisPid ? cpuMsOr0(redisPid) : 0;
  const dbCpuBefore = backendCpu(await backends());
  const before = await counts(db, ["orders/paid"]);
  const machineBefore = machineCpu();
  const started = performance.now();
  await enqueue(queue, ids, Number(args.group));
  const done = await settled(db, ["orders/paid"], ids, deadline, before);
  const seconds = (performance.now() - started) / 1000;
  const busy = machineBusy(machineBefore, machineCpu());
  const workerCpuMs = children.map((c, i) => cpuMsOr0(c.pid!) - workerCpuBefore[i]!);
  const redisCpuMs = redisPid ? cpuMsOr0(redisPid) - redisCpuBefore : 0;
  // Backends that started during the run count in full, ones that ended are lost: a floor.
  let dbCpuMs = 0;
  for (const [pid, ms] of backendCpu(await backends())) dbCpuMs += ms - (dbCpuBefore.get(pid) ?? 0);
  const [{ batches }] = await db.$queryRaw<[{ batches: bigint }]>`
    SELECT count(DISTINCT ("shop", "processedAt")) AS batches FROM "WebhookEvent" WHERE "id" = ANY(${ids}::uuid[])`;
  return {
    batches: Number(batches),
    workers: children.length,
    ...done,
    seconds,
    rate: done.processed / seconds,
    workerCpuMs,
    dbCpuMs,
    redisCpuMs,
    busy,
  };
}

function describePhase(p: PhaseResult): string[] {
  const per = (ms: number) => (ms / Math.max(1, p.processed)).toFixed(2);
  const workerMs = p.workerCpuMs.reduce((a, b) => a + b, 0);
  const name = `${p.workers} worker${p.workers > 1 ? "s" : ""}` + (held ? ` (${held})` : "");
  return [
    `${name}: ${p.processed} processed, ${p.failed} failed in ${p.seconds.toFixed(1)} s: ${Math.round(p.rate)} orders/s ` +
      `(${p.batches} transactions, ${Math.round(p.processed / Math.max(1, p.batches))} orders each)`,
    `  worker process CPU ${p.workerCpuMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(" + ")}: ` +
      `${per(workerMs)} ms per order; database backends CPU ${(p.dbCpuMs / 1000).toFixed(1)} s: ` +
      `${per(p.dbCpuMs)} ms per order; redis ${per(p.redisCpuMs)} ms per order`,
    `  ${describeMachine(p.busy, workerMs + p.dbCpuMs + p.redisCpuMs, p.seconds)}`,
  ];
}

async function main() {
  const logDir = mkdtempSync(join(tmpdir(), "bench-credit-"));
  const phases = WORKERS > 1 ? 2 : 1;
  console.log(
    `Setting up: scratch database, private Redis, ${ORDERS} orders` +
      (phases > 1 ? ` for one worker and ${ORDERS} more for ${WORKERS} workers ...` : " ..."),
  );
  const database = await scratchDatabase("credit");
  const speedBefore = await hostSpeed(database.url);
  const redis = await scratchRedis();
  const db = createPrisma(database.url, 4);
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue("webhooks", { connection });
  let running: ChildProcess[] = [];
  try {
    const shopSet = (phase: number, warm: boolean) =>
      shopsOf(phase, warm).map((domain) =>
        benchShop(domain, {
          customers: Math.ceil(Number(args.customers) / SHOP_COUNT),
          products: Number(args.products),
          orders: Math.ceil((warm ? WARMUP : ORDERS) / SHOP_COUNT),
        }),
      );
    const phaseShops = Array.from({ length: phases }, (_, phase) => shopSet(phase, false));
    const warmShops = Array.from({ length: WARMUP > 0 ? phases : 0 }, (_, phase) => shopSet(phase, true));
    const SHOPS = [...phaseShops, ...warmShops].flat().map((shop) => shop.domain);
    for (const domain of SHOPS) {
      await db.shop.create({ data: { domain, currencyCode: "USD" } });
      // An installed shop has its program (version 1, the defaults) before orders arrive.
      await currentProgramVersion(db, domain);
    }
    if (args.experiments) for (const domain of SHOPS) console.log(await startExperiments(db, domain));
    const now = new Date();
    const prerequisites = await store(
      db,
      [...phaseShops, ...warmShops]
        .flat()
        .flatMap((shop) => [
          ...shop.customers.map((c) => delivery(shop.domain, "customers/create", shop.customerBody(c), now)),
          ...shop.products.map((p) => delivery(shop.domain, "products/create", shop.productBody(p), now)),
        ]),
    );
    // Each phase's orders, its shops' in turn (the queue mixes shops, as the intake does),
    // received a millisecond apart in the order they were placed, as Shopify sends them: with
    // one instant for all, a batch would apply a member's orders in any order and leave the
    // earlier ones to the per-row path (placed before the member's latest earn).
    const ordersOf = (phase: number, warm = false) => {
      const shops = (warm ? warmShops : phaseShops)[phase]!;
      const count = warm ? WARMUP : ORDERS;
      const start = Date.now();
      const out: Delivery[] = [];
      for (let i = 0; out.length < count && i < shops[0]!.orders.length; i += 1)
        for (const shop of shops) {
          const order = shop.orders[i];
          if (order && out.length < count)
            out.push(
              delivery(shop.domain, "orders/paid", shop.orderBody(order), new Date(start + out.length)),
            );
        }
      return out;
    };
    /** Credits the phase's warm-up orders (untimed) with its worker processes started. */
    let warmedUp = 0;
    const warmUp = async (phase: number) => {
      if (WARMUP <= 0) return;
      const ids = await store(db, ordersOf(phase, true));
      const before = await counts(db, ["orders/paid"]);
      await enqueue(queue, ids, Number(args.group));
      const done = await settled(db, ["orders/paid"], ids, deadline, before);
      warmedUp += done.processed;
      console.log(
        `  warm-up: ${done.processed} orders of other shops credited untimed, ${done.failed} failed`,
      );
    };
    // A phase's rows enter the inbox when the phase before has finished.

    const env = {
      ...appEnv(database.url, redis.url, await freePort()),
      WORKER_CONCURRENCY: args.concurrency,
    };
    const deadline = Date.now() + Number(args.timeout) * 1000;
    const results: PhaseResult[] = [];

    // Customers and products go the per-row path: a worker of their own, stopped before the
    // timed phase, so the phase's CPU figures and a --profile hold the orders alone.
    const setup = await startWorkerProcesses(1, env, logDir, "setup");
    running = setup.children;
    console.log(
      `Processing ${prerequisites.length} customers/create and products/create deliveries (untimed) ...`,
    );
    await enqueue(queue, prerequisites);
    const pre = await settled(db, ["customers/create", "products/create"], prerequisites, deadline);
    console.log(`  ${pre.processed} processed, ${pre.failed} failed`);
    await Promise.all(running.map((c) => stopChild(c)));
    const one = await startWorkerProcesses(1, env, logDir, "1");
    running = one.children;
    await warmUp(0);
    const firstOrders = await store(db, ordersOf(0));
    await vacuum(db);
    console.log(
      `Timing ${firstOrders.length} orders/paid deliveries of ${SHOP_COUNT} shop${SHOP_COUNT > 1 ? "s" : ""} ` +
        `with 1 worker process at WORKER_CONCURRENCY=${args.concurrency} ...`,
    );
    results.push(await timePhase(db, queue, redis.pid, running, firstOrders, deadline));
    for (const line of describePhase(results[0]!)) console.log(line);
    await Promise.all(running.map((c) => stopChild(c)));
    running = [];

    if (phases > 1) {
      const many = await startWorkerProcesses(WORKERS, env, logDir, String(WORKERS));
      running = many.children;
      await warmUp(1);
      const secondOrders = await store(db, ordersOf(1));
      await vacuum(db);
      console.log(
        `Timing ${secondOrders.length} orders/paid deliveries of ${SHOP_COUNT} other shop${SHOP_COUNT > 1 ? "s" : ""} of the same size ` +
          `with ${WORKERS} worker processes, ` +
          `each at WORKER_CONCURRENCY=${args.concurrency} ...`,
      );
      results.push(await timePhase(db, queue, redis.pid, running, secondOrders, deadline));
      for (const line of describePhase(results[1]!)) console.log(line);
      await Promise.all(running.map((c) => stopChild(c)));
      running = [];
    }

    // Nothing done twice, nothing lost. Held-out members' orders earn nothing: their shadow
    // entries stand in for ledger entries.
    const [ledger] = await db.$queryRaw<
      {
        entries: bigint;
        orders: bigint;
        members: bigint;
        earns: bigint;
        earnedOrders: bigint;
        shadowOrders: bigint;
      }[]
    >`
      SELECT count(*) AS entries, count(DISTINCT ("shop", "orderId")) FILTER (WHERE "orderId" IS NOT NULL) AS orders,
             count(DISTINCT ("shop", "customerId")) AS members,
             count(*) FILTER (WHERE "kind" = 'earn') AS earns,
             count(DISTINCT ("shop", "orderId")) FILTER (WHERE "kind" = 'earn') AS "earnedOrders",
             (SELECT count(DISTINCT ("shop", "orderId")) FROM "HoldoutShadowEntry" WHERE "shop" = ANY(${SHOPS})) AS "shadowOrders"
      FROM "LedgerEntry" WHERE "shop" = ANY(${SHOPS})`;
    const [inbox] = await db.$queryRaw<{ rows: bigint; unprocessed: bigint; retried: bigint }[]>`
      SELECT count(*) AS rows, count(*) FILTER (WHERE "status" <> 'processed') AS unprocessed,
             count(*) FILTER (WHERE "attempts" > 1) AS retried
      FROM "WebhookEvent" WHERE "shop" = ANY(${SHOPS}) AND "topic" = 'orders/paid'`;
    const members = await db.member.findMany({
      where: { shop: { in: SHOPS } },
      select: { shop: true, customerId: true },
    });
    let drifted = 0;
    for (const m of members)
      if ((await rebuildMemberBalances(db, m.shop, m.customerId, { fix: false })).length > 0) drifted += 1;
    const processed = results.reduce((a, r) => a + r.processed, warmedUp);
    const failed = results.reduce((a, r) => a + r.failed, 0);
    console.log(
      `ledger: ${ledger!.entries} entries for ${ledger!.orders} orders and ${ledger!.members} members; ` +
        `${ledger!.earns} earn entries for ${ledger!.earnedOrders} orders` +
        (args.experiments
          ? `; shadow ledger ${ledger!.shadowOrders} orders (exposure is the sweep's, off this path)`
          : "") +
        `; inbox ${inbox!.rows} orders/paid rows, ${inbox!.unprocessed} not processed, ${inbox!.retried} taken more than once; ` +
        `members whose cached balances differ from their ledger: ${drifted} of ${members.length}`,
    );
    const credited = Number(ledger!.orders) + Number(ledger!.shadowOrders);
    if (Number(inbox!.unprocessed) > 0 || processed + failed < Number(inbox!.rows)) {
      console.log(`credit check FAILED: ${inbox!.unprocessed} rows unprocessed at the end; see ${logDir}`);
      process.exitCode = 1;
    } else if (failed > 0 || credited < processed) {
      console.log(
        `credit check FAILED: failed rows, or processed orders without ledger entries; see ${logDir}`,
      );
      process.exitCode = 1;
    } else if (ledger!.earns !== ledger!.earnedOrders || drifted > 0) {
      console.log(
        "credit check FAILED: an order earned twice, or members' balances differ from their ledger",
      );
      process.exitCode = 1;
    }
    console.log(describeHostSpeed("before", speedBefore));
    console.log(describeHostSpeed("after", await hostSpeed(database.url)));
    const setting =
      (SHOP_COUNT > 1 ? ` across ${SHOP_COUNT} shops` : "") +
      (args.experiments ? " with a 10% holdout and three running experiments" : "");
    const rate = results[0]!.rate;
    if (limiter)
      console.log(
        `credit: ${Math.round(rate)} orders/s${setting}, workers ${held}: ` +
          `a scale-out run; the speed target (>= ${TARGET} orders/s) is measured without --cpu-limit`,
      );
    else {
      console.log(`credit: ${Math.round(rate)} orders/s${setting} (target >= ${TARGET} orders/s)`);
      if (rate < TARGET) process.exitCode = 1;
    }
    if (phases > 1) {
      const many = results[1]!;
      console.log(`credit with ${WORKERS} worker processes: ${Math.round(many.rate)} orders/s${setting}`);
      const scale = scaleLine("credit", ["worker", "workers"], WORKERS, rate, many.rate, held);
      console.log(scale.line);
      if (!scale.ok) process.exitCode = 1;
    }
  } finally {
    await Promise.all(running.map((c) => stopChild(c)));
    await queue.close();
    await closeQueues();
    connection.disconnect();
    await db.$disconnect();
    limiter?.release();
    await redis.stop();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/** A 10% program holdout and three running experiments on three levers (earn rate, bonuses, expiry). */
async function startExperiments(db: PrismaClient, shop: string): Promise<string> {
  // Launched a day ago: the bench's orders (placed as it starts) are each member's first after launch.
  const now = new Date(Date.now() - 86_400_000);
  const holdout = await startHoldout(db, shop, { sharePercent: 10 }, { now });
  if (!holdout.ok) throw new Error(holdout.message);
  const tests = [
    { key: "earn", lever: "earnRate", patch: { earning: { pointsPerCurrencyUnit: 2 } } },
    { key: "bonus", lever: "bonuses", patch: { earning: { bonuses: { firstOrder: 50 } } } },
    { key: "expiry", lever: "expiry", patch: { expiry: { policy: "inactivity", days: 365 } } },
  ];
  for (const t of tests) {
    const created = await createExperiment(db, shop, {
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
    const launched = await launchExperiment(db, shop, created.value.id, { now });
    if (!launched.ok) throw new Error(launched.message);
  }
  return "Experiments: a 10% program holdout and three running experiments (earnRate, bonuses, expiry), 50/50 each";
}
