import type { PrismaClient } from "~/db.server";

// Per-customer order statistics (CustomerOrderStats): triggers on Order and Refund log the
// customers a write touched; this refreshes them. Every reader of the statistics calls it
// first (the members list, its export and bulk selection, a member's page), and the
// maintenance job does for every shop, so the log stays short (ADR 0026).

/**
 * A drain this large (a backfill's first, an import) changes the statistics' distribution
 * wholesale: the members list's filters are planned on it (ADR 0052), and until autovacuum
 * analyzes the table they planned for rows of zeros (a filter at 20,000 members: 944 ms
 * stale, 17 ms analyzed). A sampled ANALYZE takes about a second.
 */
export const ANALYZE_AFTER_CUSTOMERS = 50_000;

/** Recomputes the shop's stale customers; returns how many. */
export async function refreshOrderStats(
  db: PrismaClient,
  shop: string,
  { analyzeAfter = ANALYZE_AFTER_CUSTOMERS } = {},
): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`SELECT drain_customer_order_stats(${shop}) AS n`;
  const n = row?.n ?? 0;
  if (n >= analyzeAfter) await db.$executeRawUnsafe(`ANALYZE "CustomerOrderStats"`);
  return n;
}

/** Every shop with stale customers, for the maintenance job. */
export async function refreshAllOrderStats(db: PrismaClient): Promise<number> {
  const shops = await db.staleOrderStats.findMany({ distinct: ["shop"], select: { shop: true } });
  let refreshed = 0;
  for (const { shop } of shops) refreshed += await refreshOrderStats(db, shop);
  return refreshed;
}
