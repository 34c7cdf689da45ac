import type { PrismaClient } from "~/db.server";

// A small shop in New York whose business figures are worked out by hand in
// app/stats/business.server.test.ts. "Today" there is 2026-03-10: the 30-day period runs
// Feb 9 – Mar 10 and the previous one Jan 10 – Feb 8 (New York days).
//
// Customers: C1 member since Dec 1; C2 joins Feb 20 (one order before, one after);
// C3 never joins; C4 is an excluded member (staff); C5 member, buys either side of the
// Feb 8/9 midnight in New York; C6 member, one order; C7 enrolled by an import after its
// one order, which the import credited with points. Plus a guest order, and orders that
// must not count (cancelled, test, another currency).

let nextId = 1;

export async function seedBusinessShop(db: PrismaClient, shop: string, { scale = 1 } = {}): Promise<void> {
  await db.shop.create({ data: { domain: shop, currencyCode: "USD", ianaTimezone: "America/New_York" } });
  await db.member.createMany({
    data: [
      { shop, customerId: 1n, enrolledAt: new Date("2025-12-01T12:00:00Z") },
      { shop, customerId: 2n, enrolledAt: new Date("2026-02-20T12:00:00Z") },
      { shop, customerId: 4n, enrolledAt: new Date("2025-01-01T12:00:00Z"), status: "excluded" },
      { shop, customerId: 5n, enrolledAt: new Date("2025-01-01T12:00:00Z") },
      { shop, customerId: 6n, enrolledAt: new Date("2026-01-01T12:00:00Z") },
      // Enrolled by an import on Mar 9 whose history earned points: its Mar 4 order counts.
      { shop, customerId: 7n, enrolledAt: new Date("2026-03-09T12:00:00Z") },
    ],
  });
  const order = (
    customerId: bigint | null,
    dollars: number,
    at: string,
    extra: { cancelledAt?: Date; test?: boolean; currencyCode?: string; totalDiscountsMinor?: bigint } = {},
  ) => {
    const id = BigInt(nextId++);
    const total = BigInt(dollars * 100 * scale);
    return {
      shop,
      id,
      customerId,
      name: `#${id}`,
      currencyCode: "USD",
      subtotalMinor: total,
      totalMinor: total,
      financialStatus: "paid",
      processedAt: new Date(at),
      shopifyCreatedAt: new Date(at),
      ...extra,
    };
  };
  const c1Refunded = order(1n, 80, "2026-03-01T17:00:00Z");
  const c7Credited = order(7n, 15, "2026-03-04T17:00:00Z");
  const c2AfterJoining = order(2n, 120, "2026-03-05T17:00:00Z", { totalDiscountsMinor: 1200n });
  await db.order.createMany({
    data: [
      order(1n, 50, "2025-12-15T17:00:00Z"), // before both periods: makes C1's later orders repeats
      order(1n, 100, "2026-02-01T17:00:00Z"), // previous period
      c1Refunded,
      order(1n, 999, "2026-03-04T17:00:00Z", { cancelledAt: new Date("2026-03-04T18:00:00Z") }),
      order(1n, 999, "2026-03-04T17:00:00Z", { test: true }),
      order(1n, 999, "2026-03-04T17:00:00Z", { currencyCode: "EUR" }),
      order(2n, 40, "2026-02-15T17:00:00Z"), // before C2 joined: not a member's order
      c2AfterJoining,
      order(3n, 30, "2026-02-10T17:00:00Z"),
      order(3n, 70, "2026-03-09T03:00:00Z"), // 22:00 on Mar 8 in New York
      order(null, 25, "2026-03-02T17:00:00Z"), // a guest
      order(4n, 200, "2026-03-03T17:00:00Z"), // excluded from the program
      order(5n, 10, "2026-02-09T04:59:00Z"), // 23:59 on Feb 8 in New York: previous period
      order(5n, 10, "2026-02-09T05:00:00Z"), // midnight: current period
      order(6n, 50, "2026-03-06T17:00:00Z"),
      order(6n, 50, "2026-03-11T17:00:00Z"), // tomorrow in New York: after the period
      c7Credited,
    ],
  });
  await db.ledgerEntry.create({
    data: {
      shop,
      customerId: 7n,
      key: `${shop}:order:${c7Credited.id}:earn`,
      kind: "earn",
      points: 15,
      bucket: "pending",
      occurredAt: c7Credited.shopifyCreatedAt,
      orderId: c7Credited.id,
      programVersion: 1,
    },
  });
  await db.refund.create({
    data: { shop, id: BigInt(nextId++), orderId: c1Refunded.id, totalMinor: BigInt(20 * 100 * scale) },
  });
  const five = {
    id: "five",
    name: "$5 off",
    value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
  };
  const pct = { id: "pct", name: "10% off", value: { kind: "percentage", percent: 10 } };
  const redemption = (
    reward: typeof five | typeof pct,
    createdAt: string,
    status: "issued" | "used" | "failed",
    extra: { usedAt?: string; usedOrderId?: bigint; returnedAt?: string } = {},
  ) => ({
    shop,
    customerId: 1n,
    rewardId: reward.id,
    reward,
    pointsCost: 500,
    programVersion: 1,
    status,
    createdAt: new Date(createdAt),
    usedAt: extra.usedAt ? new Date(extra.usedAt) : null,
    usedOrderId: extra.usedOrderId ?? null,
    returnedAt: extra.returnedAt ? new Date(extra.returnedAt) : null,
  });
  await db.redemption.createMany({
    data: [
      redemption(five, "2026-03-01T12:00:00Z", "used", { usedAt: "2026-03-02T12:00:00Z" }),
      // Percentage: costs what the order it was used on was discounted ($12).
      redemption(pct, "2026-02-25T12:00:00Z", "used", {
        usedAt: "2026-03-05T17:00:00Z",
        usedOrderId: c2AfterJoining.id,
      }),
      redemption(five, "2026-01-20T12:00:00Z", "used", { usedAt: "2026-01-25T12:00:00Z" }), // previous
      redemption(five, "2026-03-03T12:00:00Z", "issued"), // redeemed, not used yet
      redemption(five, "2026-03-04T12:00:00Z", "failed"), // never happened
      // Used, then the order was refunded and the points came back: no cost.
      redemption(five, "2026-03-05T12:00:00Z", "used", {
        usedAt: "2026-03-06T12:00:00Z",
        returnedAt: "2026-03-07T12:00:00Z",
      }),
    ],
  });
}
