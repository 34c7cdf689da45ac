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
    pool.on("error", () => undefined); // an idle client dropped by the server is replaced on next use
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
