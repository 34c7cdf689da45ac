import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { refreshOrderStats } from "./order-stats.server";

// A large drain leaves the order statistics analyzed, so the members list's filters are
// planned on what the table now holds rather than on the rows of zeros it held before.

const db = prisma();
const SHOP = "order-stats.myshopify.com";

/** The planner's most common order counts, as the last ANALYZE saw them (null: none seen). */
async function commonOrderCounts(): Promise<string | null> {
  const [row] = await db.$queryRaw<{ vals: string | null }[]>`
    SELECT most_common_vals::text AS vals FROM pg_stats
    WHERE tablename = 'CustomerOrderStats' AND attname = 'ordersCount'`;
  return row?.vals ?? null;
}

beforeEach(async () => {
  await resetDatabase(db);
  await db.member.createMany({
    data: [1n, 2n, 3n].map((customerId) => ({ shop: SHOP, customerId })),
  });
  await db.$executeRawUnsafe(`ANALYZE "CustomerOrderStats"`);
  await db.order.createMany({
    data: [1n, 2n, 3n].map((customerId) => ({
      shop: SHOP,
      id: 100n + customerId,
      customerId,
      name: `#${customerId}`,
      currencyCode: "USD",
      subtotalMinor: 1000n,
      totalMinor: 1000n,
    })),
  });
});

describe("refreshOrderStats", () => {
  it("analyzes the statistics after a drain of at least `analyzeAfter` customers", async () => {
    expect(await commonOrderCounts()).toBe("{0}");
    expect(await refreshOrderStats(db, SHOP, { analyzeAfter: 3 })).toBe(3);
    expect(await commonOrderCounts()).toBe("{1}");
  });

  it("leaves a smaller drain to autovacuum", async () => {
    expect(await refreshOrderStats(db, SHOP, { analyzeAfter: 4 })).toBe(3);
    expect(await commonOrderCounts()).toBe("{0}");
  });
});
