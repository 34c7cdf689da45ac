// npm run test:faults [-- --reduced] [-- --cases worker-sigkill,sigterm] [--keep]
// The fault suite: the production server (server.js over the `npm run build` output), a
// real worker process, a private PostgreSQL cluster, a private redis-server and the Shopify
// emulator, each case on a fresh stack. Every case sends the same signed webhook burst,
// breaks one thing part-way, and ends with ledger:verify and a comparison with the
// fault-free run of the same deliveries. Prints a table; exits 1 if any case lost or
// doubled anything or failed its own checks. `--reduced` is the short run `npm test` does
// (its cases overlap, `--parallel` asks the same of a full run).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    reduced: { type: "boolean", default: false },
    cases: { type: "string" },
    customers: { type: "string" },
    orders: { type: "string" },
    rate: { type: "string" },
    keep: { type: "boolean", default: false },
    parallel: { type: "boolean" },
  },
});

// In-process app modules (program service, ledger:verify) read their settings once; the
// suite's processes get their own environment per case (stack.ts).
Object.assign(process.env, {
  NODE_ENV: "test",
  LOG_LEVEL: "warn",
  SHOPIFY_API_KEY: "faults-api-key",
  SHOPIFY_API_SECRET: "faults-api-secret",
  SHOPIFY_APP_URL: "http://127.0.0.1:9",
  DATABASE_URL: "postgresql://postgres@127.0.0.1:9/unused",
  REDIS_URL: "redis://127.0.0.1:9",
});

const { ensureBuild } = await import("../browser/support/app-server");
const { createEmulator } = await import("../../emulator/server");
const { emulatorConfig } = await import("../../emulator/config");
const { PrivatePostgres } = await import("./postgres");
const { API_KEY, API_SECRET } = await import("./stack");
const { buildWorkload } = await import("./workload");
const { baseline, CASES } = await import("./cases");
const { printTable } = await import("./table");
type Row = import("./outcome").Row;

/** The reduced run (inside `npm test`) covers every case, with a smaller workload. */
const REDUCED = CASES.map((c) => c.name);

const reduced = args.reduced;
const selected = args.cases?.split(",") ?? (reduced ? REDUCED : CASES.map((c) => c.name));
const unknown = selected.filter((name) => !CASES.some((c) => c.name === name));
if (unknown.length) {
  console.error(`Unknown case(s): ${unknown.join(", ")}. Cases: ${CASES.map((c) => c.name).join(", ")}`);
  process.exit(2);
}
const counts = {
  customers: Number(args.customers ?? (reduced ? 60 : 300)),
  orders: Number(args.orders ?? (reduced ? 300 : 2_000)),
};
const options = reduced
  ? { kills: 1, redisDownMs: 20_000, postgresDownMs: 6_000 }
  : { kills: 2, redisDownMs: 20_000, postgresDownMs: 8_000 };

const t0 = performance.now();
const say = (line: string) =>
  console.log(`[faults] ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${line}`);
const logDir = mkdtempSync(join(tmpdir(), "faults-logs-"));
say(`${reduced ? "Reduced run" : "Full run"}: ${selected.join(", ")}; logs in ${logDir}`);
say("Production build (npm run build, when app sources changed), private PostgreSQL cluster, emulator ...");
ensureBuild();
const cluster = await PrivatePostgres.start();
const emulator = await createEmulator(
  emulatorConfig({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, appUrl: "http://127.0.0.1:9" }),
);
let exitCode = 1;
try {
  const workload = buildWorkload(counts);
  const suite = {
    cluster,
    emulator,
    workload,
    logDir,
    rate: Number(args.rate ?? 300),
    keepDatabases: args.keep,
    say,
  };
  say(
    `Workload: ${workload.setup.length} set-up deliveries, a burst of ${workload.burst.length} orders/paid ` +
      `(${counts.orders} orders, a tenth sent twice) at ${suite.rate}/s; PostgreSQL on port ${cluster.port}`,
  );
  const base = await baseline(suite);
  const rows = [base.row];
  const snapshot = base.snapshot;
  if (snapshot && base.row.ok) {
    const run = (name: string) => {
      const found = CASES.find((c) => c.name === name)!;
      say(`${name}: ${found.what}`);
      return found.run(suite, snapshot, options);
    };
    // Cases mostly wait (for BullMQ's stalled-job check, the sweeper, the sync schedule), and
    // each has its own stack, so they can overlap; stopping PostgreSQL stops every case's
    // database, so that case always runs alone.
    const alone = selected.filter((name) => !(args.parallel ?? reduced) || name === "postgres-stopped");
    const together = selected.filter((name) => !alone.includes(name));
    const results = new Map<string, Row>();
    // At most three stacks at a time: more starve each other of the two cores, and Redis
    // answers past the web side's 500 ms timeout under that load.
    for (let i = 0; i < together.length; i += 3)
      for (const [name, row] of await Promise.all(
        together.slice(i, i + 3).map(async (n) => [n, await run(n)] as const),
      ))
        results.set(name, row);
    for (const name of alone) results.set(name, await run(name));
    rows.push(...selected.map((name) => results.get(name)!));
  } else {
    say("The fault-free run failed; the cases need it to compare against.");
  }
  printTable(rows);
  exitCode = rows.every((r) => r.ok) && rows.length === selected.length + 1 ? 0 : 1;
  say(exitCode === 0 ? "Fault suite passed." : "Fault suite FAILED.");
} finally {
  await emulator.close();
  if (!args.keep) {
    await cluster.destroy();
    // A failed run keeps its processes' logs for the diagnosis.
    if (exitCode === 0) rmSync(logDir, { recursive: true, force: true });
    else say(`Logs of the server and worker of every case: ${logDir}`);
  } else {
    cluster.stopServer();
    say(`Kept the stopped PostgreSQL cluster in ${cluster.dir} and the logs in ${logDir}.`);
  }
}
process.exit(exitCode);
