import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { parseListParams } from "./list-params";
import { refreshAllOrderStats } from "~/stats/order-stats.server";
import { listMembers } from "./members.server";

// The segmentation columns: order statistics kept by the database's triggers from every
// write to Order and Refund, and the filters and sorts over them and over the tier.

const db = prisma();
const SHOP = "segments.myshopify.com";
const OTHER = "segments-other.myshopify.com";
const NOW = new Date("2026-06-01T00:00:00Z");
const CONTEXT = { currency: "USD", tierBasis: "spend" as const, now: NOW };
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const list = (query: string, context = CONTEXT) =>
  listMembers(db, SHOP, parseListParams(new URLSearchParams(query)), context);
const ids = async (query: string) => (await list(query)).rows.map((r) => r.customerId);

let nextOrder = 1000n;
async function order(shop: string, customerId: bigint, totalMinor: number, at: Date, extra: object = {}) {
  nextOrder += 1n;
  await db.order.create({
    data: {
      shop,
      id: nextOrder,
      customerId,
      name: `#${nextOrder}`,
      currencyCode: "USD",
      subtotalMinor: BigInt(totalMinor),
      totalMinor: BigInt(totalMinor),
      processedAt: at,
      ...extra,
    },
  });
  return nextOrder;
}

beforeEach(async () => {
  await resetDatabase(db);
  await db.member.createMany({
    data: [
      // 1: three orders, one refunded in part; Silver, $380 from Gold.
      {
        shop: SHOP,
        customerId: 1n,
        availablePoints: 300,
        tierId: "silver",
        tierValue: 62_000n,
        nextTierId: "gold",
        tierRemaining: 38_000n,
      },
      // 2: one big order long ago; Gold, top tier.
      {
        shop: SHOP,
        customerId: 2n,
        availablePoints: 900,
        tierId: "gold",
        tierValue: 150_000n,
        nextTierId: null,
        tierRemaining: 0n,
      },
      // 3: never ordered (a cancelled and a test order do not count); no tier, $500 from Silver.
      {
        shop: SHOP,
        customerId: 3n,
        availablePoints: 50,
        tierId: null,
        tierValue: 0n,
        nextTierId: "silver",
        tierRemaining: 50_000n,
      },
      // 4: one recent order; Silver, $40 from Gold.
      {
        shop: SHOP,
        customerId: 4n,
        availablePoints: 10,
        tierId: "silver",
        tierValue: 96_000n,
        nextTierId: "gold",
        tierRemaining: 4_000n,
      },
      { shop: OTHER, customerId: 1n, availablePoints: 5 },
    ],
  });
  await order(SHOP, 1n, 20_000, daysAgo(200));
  await order(SHOP, 1n, 30_000, daysAgo(100));
  const refunded = await order(SHOP, 1n, 10_000, daysAgo(10));
  await db.refund.create({ data: { shop: SHOP, id: 1n, orderId: refunded, totalMinor: 4_000n } });
  await order(SHOP, 2n, 150_000, daysAgo(400));
  await order(SHOP, 3n, 99_000, daysAgo(5), { cancelledAt: daysAgo(4) });
  await order(SHOP, 3n, 99_000, daysAgo(5), { test: true });
  await order(SHOP, 4n, 8_000, daysAgo(2));
  // The other shop's orders for the same customer id never count here.
  await order(OTHER, 1n, 1_000_000, daysAgo(1));
});

describe("order statistics", () => {
  it("are kept from the orders and refunds: totals less refunds, counting orders only", async () => {
    const rows = Object.fromEntries((await list("sort=spent")).rows.map((r) => [r.customerId, r]));
    expect(rows["1"]).toMatchObject({ ordersCount: 3, spentMinor: 56_000, averageOrderMinor: 18_667 });
    expect(rows["1"]!.lastOrderAt).toBe(daysAgo(10).toISOString());
    expect(rows["2"]).toMatchObject({ ordersCount: 1, spentMinor: 150_000, averageOrderMinor: 150_000 });
    expect(rows["3"]).toMatchObject({ ordersCount: 0, spentMinor: 0, lastOrderId: null });
    expect(rows["4"]).toMatchObject({
      ordersCount: 1,
      spentMinor: 8_000,
      lastOrderName: expect.stringMatching(/^#/),
    });
  });

  it("follow a cancellation, a customer change and a deleted order", async () => {
    await db.order.updateMany({ where: { shop: SHOP, customerId: 2n }, data: { cancelledAt: NOW } });
    await db.order.updateMany({ where: { shop: SHOP, customerId: 4n }, data: { customerId: 3n } });
    const rows = Object.fromEntries((await list("")).rows.map((r) => [r.customerId, r]));
    expect(rows["2"]).toMatchObject({ ordersCount: 0, spentMinor: 0 });
    expect(rows["3"]).toMatchObject({ ordersCount: 1, spentMinor: 8_000 });
    expect(rows["4"]).toMatchObject({ ordersCount: 0 });
    await db.order.deleteMany({ where: { shop: SHOP, customerId: 3n, cancelledAt: null, test: false } });
    expect((await list("")).rows.find((r) => r.customerId === "3")).toMatchObject({ ordersCount: 0 });
  });
  it("keep a row of zeros for every member, and none for a customer who is not one", async () => {
    await db.member.create({ data: { shop: SHOP, customerId: 5n } });
    await db.order.updateMany({ where: { shop: SHOP, customerId: 4n }, data: { cancelledAt: NOW } });
    await order(SHOP, 6n, 5_000, daysAgo(3));
    await refreshAllOrderStats(db);
    const stats = async (customerId: bigint) =>
      db.customerOrderStats.findUnique({ where: { shop_customerId: { shop: SHOP, customerId } } });
    expect(await stats(5n)).toMatchObject({ ordersCount: 0, spentMinor: 0n, lastOrderAt: null });
    expect(await stats(4n)).toMatchObject({ ordersCount: 0, spentMinor: 0n, lastOrderId: null });
    expect(await stats(6n)).toMatchObject({ ordersCount: 1 });
    await db.order.updateMany({ where: { shop: SHOP, customerId: 6n }, data: { cancelledAt: NOW } });
    await refreshAllOrderStats(db);
    expect(await stats(6n)).toBeNull();
    expect(await ids("lastOrder=never")).toEqual(["3", "4", "5"]);
  });
});

describe("the stale log", () => {
  it("is drained for every shop by the maintenance job, each stale customer once", async () => {
    // SHOP's 4 customers (5 with the other shop's) were logged by the triggers, some several times.
    expect(await db.staleOrderStats.count()).toBeGreaterThan(5);
    expect(await refreshAllOrderStats(db)).toBe(5);
    expect(await db.staleOrderStats.count()).toBe(0);
    expect(
      await db.customerOrderStats.findUnique({ where: { shop_customerId: { shop: OTHER, customerId: 1n } } }),
    ).toMatchObject({
      spentMinor: 1_000_000n,
    });
    expect(await refreshAllOrderStats(db)).toBe(0);
  });
});

describe("segment filters and sorts", () => {
  it.each([
    ["sort=spent", ["2", "1", "4", "3"]],
    ["sort=spent&direction=asc", ["3", "4", "1", "2"]],
    ["sort=orders", ["1", "4", "2", "3"]],
    ["sort=averageOrder", ["2", "1", "4", "3"]],
    // Members without orders go last either way.
    ["sort=lastOrder", ["4", "1", "2", "3"]],
    ["sort=lastOrder&direction=asc", ["2", "1", "4", "3"]],
    ["sort=tierValue", ["2", "4", "1", "3"]],
  ])("sorts by %s", async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });

  it.each([
    // Money bounds are in dollars: $100 to $600 spent.
    ["spentMin=100&spentMax=600", ["1"]],
    ["spentMin=560", ["2", "1"]],
    ["spentMin=560.01", ["2"]],
    ["ordersMin=2", ["1"]],
    ["ordersMax=0", ["3"]],
    ["averageOrderMin=100", ["2", "1"]],
    ["averageOrderMax=80", ["3", "4"]],
    ["pointsMin=100&pointsMax=500", ["1"]],
    ["lastOrder=30", ["1", "4"]],
    ["lastOrder=over90", ["2"]],
    ["lastOrder=over365", ["2"]],
    ["lastOrder=never", ["3"]],
    // Within $50 of the next tier: only member 4 ($40 from Gold); the top tier never matches.
    ["nextTierWithin=50", ["4"]],
    ["nextTierWithin=500", ["1", "3", "4"]],
    ["tier=silver&spentMin=50", ["1", "4"]],
    // Blank and malformed bounds are no bounds.
    ["spentMin=&ordersMax=lots", ["2", "1", "3", "4"]],
  ])("filters %s", async (query, expected) => {
    expect(await ids(`${query}&sort=points`)).toEqual(expected);
  });

  it("reads tier distances in the basis's own unit when tiers count points", async () => {
    const rows = await listMembers(db, SHOP, parseListParams(new URLSearchParams("nextTierWithin=4000")), {
      ...CONTEXT,
      tierBasis: "points",
    });
    expect(rows.rows.map((r) => r.customerId)).toEqual(["4"]);
  });

  it("gives the next tier and what it needs as the tier evaluation left them", async () => {
    const rows = Object.fromEntries((await list("")).rows.map((r) => [r.customerId, r]));
    expect(rows["1"]).toMatchObject({
      tierId: "silver",
      tierValue: 62_000,
      nextTierId: "gold",
      tierRemaining: 38_000,
    });
    expect(rows["2"]).toMatchObject({ tierId: "gold", nextTierId: null, tierRemaining: 0 });
  });
});
