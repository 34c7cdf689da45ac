import pg from "pg";
import { env } from "~/env.server";

// The backfill's bulk statements go straight to node-postgres: a batch is one JSON
// parameter of a megabyte or more, and handing it through Prisma's raw-query path costs
// more CPU than parsing it. Everything else about the run stays on Prisma.

export interface SqlTx {
  /** Runs a statement; returns the affected row count. */
  exec(sql: string, params?: unknown[]): Promise<number>;
  rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

declare global {
  var __backfillPools: Map<string, pg.Pool> | undefined;
}

/** One small pool per database URL per process (the backfill keeps two batches in flight). */
export function backfillPool(url: string = env().DATABASE_URL): pg.Pool {
  globalThis.__backfillPools ??= new Map();
  let pool = globalThis.__backfillPools.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 4, allowExitOnIdle: true });
    pool.on("error", () => undefined); // an idle client dropped by the server is replaced on next use
    globalThis.__backfillPools.set(url, pool);
  }
  return pool;
}

export async function closeBackfillPools(): Promise<void> {
  const pools = [...(globalThis.__backfillPools?.values() ?? [])];
  globalThis.__backfillPools = undefined;
  await Promise.all(pools.map((p) => p.end()));
}

/** BEGIN … COMMIT on one pooled connection; ROLLBACK when `fn` throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (tx: SqlTx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const tx: SqlTx = {
    exec: async (sql, params) => (await client.query(sql, params)).rowCount ?? 0,
    rows: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
  };
  try {
    await client.query("BEGIN");
    const result = await fn(tx);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
