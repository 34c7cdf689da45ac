// npm run soak [-- --minutes 30 --shops 20 --orders-per-minute 600 --customers 1000 --interval 10
//                  --profile <dir>]
// The soak (issue 18, item 4): the demo's live simulation at 10× its default rate (600 events a
// minute against the demo's 60) spread across 20 shops (30 a minute each, every shop's events
// at its own pace), for `--minutes`, against the production build and a worker on a scratch
// database and a private Redis. A soak looks for drift at a load the app carries; 600 a minute
// in each shop (12,000 in all, ~400 webhooks a second with the load generator on the same two
// cores) is past what this host credits when ~40% of orders are new customers' first orders,
// which go the per-row path: at that rate the backlog grows from the first minute (ADR 0060).
// `--orders-per-minute` is the total; raise it to find the ceiling. Every
// `--interval` seconds it samples the web and worker processes' memory and event-loop delay
// (a preload, scripts/soak/runtime-metrics.mjs), the job queues' depth, the database's
// connections, the webhook inbox's backlog and the webhook-to-ledger latency of the orders
// processed in the interval; at the end it prints each series' trend (the first third of the
// run against the last, and the least-squares slope) and fails (exit 1) when memory, queue
// depth, backlog or latency grow. Each process's CPU (and PostgreSQL's, all its backends) is
// reported beside them, to show where the machine's two cores went. A short run
// (`--minutes 2`) checks the machinery; the figures that count come from 30 minutes.
// `--profile <dir>` writes the web and worker processes' CPU profiles there (.cpuprofile,
// on exit: open them in Chrome's DevTools).
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startApp } from "../bench/support/app";
import {
  appEnv,
  BENCH_SECRET,
  freePort,
  scratchDatabase,
  scratchRedis,
  spawnNode,
  stopChild,
} from "../bench/support/services";
import { cpuMsOr0 } from "../bench/support/scale";
import { trendOf, type Sample, type Trend } from "./soak/trend";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    shops: { type: "string", default: "20" },
    "orders-per-minute": { type: "string", default: "600" },
    customers: { type: "string", default: "1000" },
    months: { type: "string", default: "3" },
    interval: { type: "string", default: "10" },
    profile: { type: "string" },
  },
});
function positive(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`--${name} must be a positive number, got ${raw}.`);
    process.exit(2);
  }
  return value;
}
const MINUTES = positive("minutes", args.minutes);
const SHOPS = Math.round(positive("shops", args.shops));
const RATE = positive("orders-per-minute", args["orders-per-minute"]);
const RATE_PER_SHOP = RATE / SHOPS;
const CUSTOMERS = Math.round(positive("customers", args.customers));
const MONTHS = Math.round(positive("months", args.months));
const INTERVAL_S = positive("interval", args.interval);

const say = (line: string) => console.log(`[soak] ${line}`);
const dir = mkdtempSync(join(tmpdir(), "loyalty-soak-"));
const metricsFile = join(dir, "runtime.jsonl");
writeFileSync(metricsFile, "");

const database = await scratchDatabase("soak");
const redis = await scratchRedis();
const port = await freePort();
const env: Record<string, string> = {
  ...appEnv(database.url, redis.url, port),
  // The emulator stands in for Shopify, which the production mode refuses: the test mode
  // runs the same code (settings come only from here, no .env).
  NODE_ENV: "test",
  LOG_LEVEL: "warn",
  RUNTIME_METRICS_FILE: metricsFile,
  RUNTIME_METRICS_INTERVAL_MS: String(INTERVAL_S * 1000),
};
// This process also enqueues (the backfills) and reads the app's tables: same services.
Object.assign(process.env, { ...env, RUNTIME_METRICS_FILE: "" });

const { createEmulator } = await import("../emulator/server");
const { emulatorConfig, DEFAULT_SCOPES } = await import("../emulator/config");
const { createSessionToken } = await import("../emulator/admin-frame/session-token");
const { embeddedAppUrl } = await import("../emulator/admin-frame/handler");
const { generateShop } = await import("../simulator/index");
const { loadShopIntoStore } = await import("../simulator/history");
const { createHistoryRun, followBackfill, prepareShop, readAppState } =
  await import("../simulator/history-app.server");
const { LiveSimulation } = await import("../simulator/live");
const { createPrisma } = await import("../app/db.server");
const { enqueueBackfill } = await import("../app/backfill/start.server");
const { queueHealth } = await import("../app/jobs/health.server");
const { closeQueues } = await import("../app/jobs/queue.server");

const db = createPrisma(database.url, 4);
const emulator = await createEmulator(
  emulatorConfig({
    port: 0,
    apiKey: env.SHOPIFY_API_KEY!,
    apiSecret: BENCH_SECRET,
    appUrl: env.SHOPIFY_APP_URL!,
    scopes: DEFAULT_SCOPES,
  }),
);
env.SHOPIFY_API_ORIGIN = emulator.url;

const preload = [
  "--import",
  "./scripts/soak/runtime-metrics.mjs",
  ...(args.profile ? ["--cpu-prof", `--cpu-prof-dir=${args.profile}`] : []),
];
const worker = spawnNode(
  [...preload, "--import", "tsx", "workers/main.ts"],
  { ...env, RUNTIME_METRICS_ROLE: "worker" },
  join(dir, "worker.log"),
);
const app = await startApp({ ...env, RUNTIME_METRICS_ROLE: "web" }, join(dir, "web.log"), preload);
say(`app ${app.url} (pid ${app.pid}), worker pid ${worker.pid}, emulator ${emulator.url}, logs in ${dir}`);

const lives: InstanceType<typeof LiveSimulation>[] = [];
let exitCode = 0;
try {
  // The shops: each generated, loaded into the emulator, installed by a first admin load and
  // backfilled by the worker, as a merchant's install goes.
  const started = performance.now();
  const shops = [];
  for (let i = 0; i < SHOPS; i++) {
    const domain = `soak-${String(i + 1).padStart(2, "0")}.myshopify.com`;
    const generated = generateShop({
      seed: 1_000 + i,
      customers: CUSTOMERS,
      historyMonths: MONTHS,
      historyEnd: `${new Date().toISOString().slice(0, 10)}T00:00:00Z`,
      domain,
    });
    loadShopIntoStore(emulator.store, generated);
    await prepareShop(db, generated);
    const token = createSessionToken(domain, env.SHOPIFY_API_KEY!, BENCH_SECRET).token;
    const install = await fetch(embeddedAppUrl(app.url, domain, "/", token), {
      redirect: "manual",
      headers: { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36" },
    });
    await install.text();
    const run = await createHistoryRun(db, domain, generated);
    await enqueueBackfill(run.id);
    shops.push({ domain, generated, run });
  }
  for (const shop of shops) await followBackfill(db, shop.run.id, () => undefined, { intervalMs: 250 });
  say(
    `${SHOPS} shops installed and backfilled (${CUSTOMERS} customers, ${MONTHS} months each) in ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s`,
  );

  for (const [i, shop] of shops.entries()) {
    const live = new LiveSimulation({
      emulator,
      generated: shop.generated,
      appUrl: app.url,
      apiSecret: BENCH_SECRET,
      ordersPerMinute: RATE_PER_SHOP,
      seed: 7 + i,
      readAppState: () => readAppState(db, shop.domain, new Date()),
    });
    live.start();
    lives.push(live);
  }
  say(
    `live simulation in ${SHOPS} shops at ${RATE} events a minute in all (${RATE_PER_SHOP} each); sampling every ${INTERVAL_S} s for ${MINUTES} min`,
  );

  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const dbName = new URL(database.url).pathname.slice(1);
  const series = new Map<string, Sample[]>();
  const add = (name: string, atMs: number, value: number) => {
    if (!series.has(name)) series.set(name, []);
    series.get(name)!.push({ atMs, value });
  };
  let runtimeOffset = 0;
  let lastOrders = 0;
  let driverCpu = process.cpuUsage();
  let postgresCpu = postgresCpuSeconds();
  const t0 = Date.now();
  const end = t0 + MINUTES * 60_000;
  let previous = new Date(t0);
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, INTERVAL_S * 1000));
    const now = new Date();
    const at = now.getTime();
    const queues = await queueHealth();
    const depth = queues.reduce((sum, q) => sum + q.waiting + q.active + q.delayed, 0);
    const [connections, backlog, latency] = await Promise.all([
      pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1`, [dbName]),
      pool.query<{ n: string }>(`SELECT count(*) AS n FROM "WebhookEvent" WHERE status = 'received'`),
      pool.query<{ p50: number | null; p99: number | null; n: string }>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, count(*) AS n
           FROM (SELECT extract(epoch FROM "processedAt" - "receivedAt") * 1000 AS ms
                   FROM "WebhookEvent"
                  WHERE topic = 'orders/paid' AND "processedAt" > $1 AND "processedAt" <= $2) t`,
        [previous, now],
      ),
    ]);
    previous = now;
    const orders = lives.reduce((sum, l) => sum + l.stats.orders, 0);
    add("queue depth (jobs)", at, depth);
    add("database connections", at, Number(connections.rows[0]!.n));
    add("webhook inbox backlog", at, Number(backlog.rows[0]!.n));
    if (Number(latency.rows[0]!.n) > 0) {
      add("webhook→ledger p50 (ms)", at, latency.rows[0]!.p50 ?? 0);
      add("webhook→ledger p99 (ms)", at, latency.rows[0]!.p99 ?? 0);
    }
    add("orders per minute (all shops)", at, ((orders - lastOrders) * 60) / INTERVAL_S);
    lastOrders = orders;
    const driver = process.cpuUsage(driverCpu);
    driverCpu = process.cpuUsage();
    add("soak driver CPU (%)", at, (driver.user + driver.system) / 1e4 / INTERVAL_S);
    const pgNow = postgresCpuSeconds();
    if (pgNow && postgresCpu) {
      // Per process: a backend that exited took its seconds with it; one that started counts from 0.
      let seconds = 0;
      for (const [pid, cpu] of pgNow) seconds += cpu - (postgresCpu.get(pid) ?? 0);
      add("postgres CPU (%)", at, (seconds * 100) / INTERVAL_S);
    }
    postgresCpu = pgNow;
    // The processes' own lines since the last sample.
    const text = readFileSync(metricsFile, "utf8");
    const fresh = text.slice(runtimeOffset);
    runtimeOffset = text.length;
    for (const line of fresh.split("\n").filter(Boolean)) {
      const m = JSON.parse(line) as {
        role: string;
        at: string;
        rssMb: number;
        heapUsedMb: number;
        lagP99Ms: number;
        cpuPct?: number;
      };
      const when = Date.parse(m.at);
      add(`${m.role} RSS (MB)`, when, m.rssMb);
      add(`${m.role} heap used (MB)`, when, m.heapUsedMb);
      add(`${m.role} event-loop delay p99 (ms)`, when, m.lagP99Ms);
      if (m.cpuPct !== undefined) add(`${m.role} CPU (%)`, when, m.cpuPct);
    }
    const elapsedMin = ((at - t0) / 60_000).toFixed(1);
    say(
      `${elapsedMin} min: ${orders} orders, queue ${depth}, backlog ${backlog.rows[0]!.n}, ` +
        `connections ${connections.rows[0]!.n}, webhook→ledger p99 ${latency.rows[0]!.p99?.toFixed(0) ?? "—"} ms, ` +
        `load ${loadavg()[0]!.toFixed(1)}`,
    );
    appendFileSync(
      join(dir, "samples.jsonl"),
      `${JSON.stringify({ at: now.toISOString(), depth, orders })}\n`,
    );
  }
  await pool.end();

  // What must not grow, and how much noise each tolerates.
  const rules: Array<{ match: RegExp; relative: number; absolute: number; checked: boolean }> = [
    { match: /RSS|heap used/, relative: 0.15, absolute: 20, checked: true },
    { match: /queue depth|inbox backlog/, relative: 0.5, absolute: 50, checked: true },
    { match: /webhook→ledger|event-loop/, relative: 0.5, absolute: 50, checked: true },
    { match: /connections/, relative: 0.25, absolute: 4, checked: true },
    { match: /orders per minute|CPU/, relative: 1, absolute: 1e9, checked: false },
  ];
  const failures: string[] = [];
  console.log(
    `\nSoak summary: ${SHOPS} shops, ${RATE} events/min in all (${RATE_PER_SHOP} each), ${MINUTES} min (samples every ${INTERVAL_S} s)`,
  );
  console.log(
    `  ${"series".padEnd(34)} ${"first".padStart(9)} ${"1st third".padStart(10)} ${"last third".padStart(10)} ${"max".padStart(9)} ${"slope/min".padStart(10)}  trend`,
  );
  const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
  for (const [name, samples] of [...series.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const rule = rules.find((r) => r.match.test(name)) ?? { relative: 0.5, absolute: 10, checked: false };
    const t: Trend | null = trendOf(samples, rule);
    if (!t) continue;
    const verdict = !rule.checked ? "(reported)" : t.grows ? "GROWS" : "flat";
    if (rule.checked && t.grows) failures.push(name);
    console.log(
      `  ${name.padEnd(34)} ${fmt(t.first).padStart(9)} ${fmt(t.firstThird).padStart(10)} ${fmt(t.lastThird).padStart(10)} ` +
        `${fmt(t.max).padStart(9)} ${fmt(t.slopePerMinute).padStart(10)}  ${verdict}`,
    );
  }
  const totals = lives.reduce(
    (sum, l) => ({
      orders: sum.orders + l.stats.orders,
      refusals: sum.refusals + l.stats.redeemRefusals,
      webhookFailures: sum.webhookFailures + l.stats.webhookFailures,
      redemptions: sum.redemptions + l.stats.redemptions,
    }),
    { orders: 0, refusals: 0, webhookFailures: 0, redemptions: 0 },
  );
  console.log(
    `  ${totals.orders} orders, ${totals.redemptions} redemptions, ${totals.webhookFailures} webhook deliveries refused, ` +
      `${totals.refusals} redemptions refused`,
  );
  if (totals.webhookFailures > 0) failures.push("webhook deliveries refused");
  console.log(
    failures.length === 0
      ? "  target: no growth in memory, queue depth, backlog or latency — met"
      : `  target: no growth in memory, queue depth, backlog or latency — MISSED (${failures.join(", ")})`,
  );
  exitCode = failures.length === 0 ? 0 : 1;
} catch (error) {
  console.error("The soak stopped:", error);
  exitCode = 1;
} finally {
  await Promise.all(lives.map((l) => l.stop()));
  await app.stop();
  await stopChild(worker);
  await emulator.close();
  await closeQueues();
  globalThis.__redis?.disconnect();
  await db.$disconnect();
  await redis.stop();
  await database.stop();
}
process.exit(exitCode);

/** CPU seconds of each PostgreSQL process on this host, by pid (Linux /proc), or null where it cannot be read. */
function postgresCpuSeconds(): Map<string, number> | null {
  try {
    const total = new Map<string, number>();
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let name: string;
      try {
        name = readFileSync(`/proc/${pid}/comm`, "utf8");
      } catch {
        continue; // gone meanwhile
      }
      if (name.startsWith("postgres")) total.set(pid, cpuMsOr0(Number(pid)) / 1000);
    }
    return total;
  } catch {
    return null;
  }
}
