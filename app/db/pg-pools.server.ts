import pg from "pg";

// Small node-postgres pools beside Prisma, for the bulk paths where Prisma's per-query
// cost dominates (webhook order batches, backfill). One pool per purpose and database
// URL per process, kept on globalThis so development reloads do not leak connections.

declare global {
  var __pgPools: Map<string, pg.Pool> | undefined;
}

export function sharedPgPool(
  purpose: string,
  url: string,
  config: Omit<pg.PoolConfig, "connectionString"> = {},
): pg.Pool {
  globalThis.__pgPools ??= new Map();
  const key = `${purpose} ${url}`;
  let pool = globalThis.__pgPools.get(key);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 4, allowExitOnIdle: true, ...config });
    // The pool's own handler covers idle clients only. A client checked out when the
    // server ends its connection (a PostgreSQL restart, pg_terminate_backend) emits
    // 'error' too, and an EventEmitter error without a listener kills the process. Its
    // query in flight already rejects with the same error (the job fails and retries),
    // and a dead client is dropped from the pool when released, so both are ignored.
    pool.on("error", () => undefined);
    pool.on("connect", (client) => client.on("error", () => undefined));
    globalThis.__pgPools.set(key, pool);
  }
  return pool;
}

/** Ends every pool of one purpose (tests and shutdown). */
export async function closePgPools(purpose: string): Promise<void> {
  const pools = globalThis.__pgPools;
  if (!pools) return;
  const ending: Promise<void>[] = [];
  for (const [key, pool] of pools) {
    if (!key.startsWith(`${purpose} `)) continue;
    pools.delete(key);
    ending.push(pool.end());
  }
  await Promise.all(ending);
}
