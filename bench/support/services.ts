import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";
import pg from "pg";
import { ensureDatabase, migrate } from "../../app/db/migrator.server";
import { startPrivateRedis } from "../../scripts/private-redis";

export { freePort, stopChild } from "../../scripts/private-redis";

// Benchmarks own their services: a freshly migrated scratch database on the machine's
// PostgreSQL and a private redis-server, so they neither see nor disturb anyone's data
// (tests use Redis logical databases 1–15; local runs use 0).

const SERVER = process.env.BENCH_DATABASE_SERVER_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export type Service = { url: string; stop: () => Promise<void>; pid?: number };

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A migrated database named after the benchmark and this process; dropped by stop(). With
 * `keep`, a database named after the benchmark alone that outlives the process (stop() leaves
 * it), so a benchmark can time its part again without writing its data again: `existed` says
 * an earlier run left one whose data it finished writing (`markComplete()`, a comment on the
 * database); one left half-written by an interrupted run is dropped and made afresh.
 */
export async function scratchDatabase(
  bench: string,
  { keep = false } = {},
): Promise<Service & { existed: boolean; drop: () => Promise<void>; markComplete: () => Promise<void> }> {
  const name = keep ? `loyalty_bench_${bench}_kept` : `loyalty_bench_${bench}_${process.pid}`;
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const existed =
    keep &&
    (await admin(
      async (c) =>
        (
          await c.query(
            `SELECT 1 FROM pg_database d WHERE d.datname = $1 AND shobj_description(d.oid, 'pg_database') = '${COMPLETE}'`,
            [name],
          )
        ).rowCount === 1,
    ));
  if (!existed) await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  await ensureDatabase(url.href);
  await migrate(url.href);
  const drop = () =>
    admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));
  const markComplete = () =>
    admin(async (c) => void (await c.query(`COMMENT ON DATABASE "${name}" IS '${COMPLETE}'`)));
  return { url: url.href, existed, drop, markComplete, stop: keep ? async () => {} : drop };
}

/** The comment a kept database carries once its benchmark finished writing its data. */
const COMPLETE = "bench data complete";

/** A private redis-server on a free port, without persistence. */
export const scratchRedis = startPrivateRedis;

/** Starts a Node program with its output in a log file (a pipe into this process would cost the benchmark CPU). */
export function spawnNode(args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const out = openSync(logFile, "a");
  const inherited = { ...process.env };
  delete inherited.SHOPIFY_API_ORIGIN;
  return spawn(process.execPath, args, {
    cwd: process.cwd(),
    env: { ...inherited, ...env },
    stdio: ["ignore", out, out],
  });
}

/**
 * Settings the app and worker need, pointed at the scratch services. Production mode,
 * unless a local .env points at the Shopify emulator (which production refuses): the two
 * modes run the same code and log the same JSON lines.
 */
export function appEnv(database: string, redis: string, port: number): Record<string, string> {
  return {
    NODE_ENV: benchNodeEnv(),
    SHOPIFY_API_KEY: "bench-api-key",
    SHOPIFY_API_SECRET: BENCH_SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database,
    REDIS_URL: redis,
    PORT: String(port),
  };
}

/** Production, unless the local .env points at the Shopify emulator (`npm run demo` or `sim` writes it), which production refuses. */
export function benchNodeEnv(): "production" | "test" {
  const emulatorInDotenv =
    existsSync(".env") && /^\s*SHOPIFY_API_ORIGIN\s*=/m.test(readFileSync(".env", "utf8"));
  return emulatorInDotenv ? "test" : "production";
}

export const BENCH_SECRET = "bench-api-secret";

/** CPU time (user + system) a process has used so far, from /proc, in milliseconds. */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
