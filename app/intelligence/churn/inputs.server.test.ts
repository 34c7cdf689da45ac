import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { DAY_MS, loadChurnInputs } from "./inputs.server";

// The churn inputs as PostgreSQL gives them, as of a moment: every source (orders, refunds,
// the points ledger and its expiries, tier moves, engagement, reviews) is read up to it and
// not past it; other shops' rows are never read.

const db = prisma();
const SHOP = "churn-inputs.myshopify.com";
const OTHER = "churn-inputs-other.myshopify.com";
const AS_OF = new Date("2026-06-01T12:00:00Z");
const dayOf = (d: Date) => d.getTime() / DAY_MS;
const daysBefore = (days: number) => new Date(AS_OF.getTime() - days * DAY_MS);
const IMPORT = "00000000-0000-4000-8000-00000000000a";

beforeEach(async () => {
  await resetDatabase(db);
});

async function seed(shop: string) {
  const order = (id: number, at: Date, totalMinor: number) => ({
    shop,
    id: BigInt(id),
    customerId: 1n,
    name: `#${id}`,
    currencyCode: "USD",
    subtotalMinor: BigInt(totalMinor),
    totalMinor: BigInt(totalMinor),
    financialStatus: "paid",
    processedAt: at,
  });
  await db.order.createMany({
    data: [
      order(10, daysBefore(100), 4_000),
      order(11, daysBefore(20), 6_000),
      order(12, daysBefore(-1), 9_900),
    ],
  });
  await db.refund.createMany({
    data: [
      { shop, id: 20n, orderId: 10n, totalMinor: 1_000n, processedAt: daysBefore(90) },
      { shop, id: 21n, orderId: 11n, totalMinor: 6_000n, processedAt: daysBefore(-2) },
    ],
  });
  const ledger = (key: string, at: Date, points: number, kind: "earn" | "redeem" = "earn") => ({
    shop,
    customerId: 1n,
    key,
    kind,
    points,
    bucket: "available" as const,
    occurredAt: at,
    programVersion: 1,
  });
  await db.ledgerEntry.createMany({
    data: [
      ledger("e1", daysBefore(100), 40),
      ledger("e2", daysBefore(20), 60),
      ledger("r1", daysBefore(10), -30, "redeem"),
      ledger("e3", daysBefore(-1), 99),
    ],
  });
  const tier = (key: string, at: Date, change: string) => ({
    shop,
    customerId: 1n,
    type: "tierChanged",
    key,
    payload: { from: null, to: "gold", change },
    occurredAt: at,
  });
  await db.loyaltyEvent.createMany({
    data: [
      tier("t1", daysBefore(50), "upgrade"),
      tier("t2", daysBefore(5), "downgrade"),
      tier("t3", daysBefore(4), "reassigned"),
      tier("t4", daysBefore(-1), "downgrade"),
    ],
  });
  const event = (id: string, at: Date, type: "send" | "open" | "click") => ({
    shop,
    source: "klaviyo",
    externalId: id,
    channel: "email" as const,
    type,
    customerId: 1n,
    occurredAt: at,
  });
  await db.engagementEvent.createMany({
    data: [
      event("s1", new Date(AS_OF.getTime() - 30 * DAY_MS - 3_600_000), "send"),
      event("o1", new Date(AS_OF.getTime() - 30 * DAY_MS - 60_000), "open"),
      event("c1", new Date(AS_OF.getTime() - 29 * DAY_MS - 60_000), "click"),
      event("s0", daysBefore(400), "send"), // before the lookback
      event("s2", new Date(AS_OF.getTime() + 60_000), "send"), // after asOf
    ],
  });
  const review = (id: string, at: Date, rating: number, sentiment: number | null) => ({
    shop,
    source: "judgeme",
    externalId: id,
    productRef: "p1",
    customerId: 1n,
    rating,
    sentiment,
    reviewedAt: at,
    importId: IMPORT,
  });
  await db.productReview.createMany({
    data: [
      review("v1", daysBefore(60), 2, -0.6),
      review("v2", daysBefore(3), 4, null),
      review("v3", daysBefore(-1), 1, -1),
    ],
  });
}

describe("loadChurnInputs", () => {
  it("reads every source up to asOf and nothing after it, for one shop", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    await seed(SHOP);
    await seed(OTHER);
    const { customers } = await loadChurnInputs(db, SHOP, "USD", AS_OF, 100, {
      cutoffs: [AS_OF, daysBefore(15), daysBefore(50)],
      lookbackDays: 270,
      expiry: { policy: "fixedAge", days: 120, noticeDays: 30 },
    });
    expect(customers).toHaveLength(1);
    const c = customers[0]!;
    const near = (a: number, b: number) => expect(a).toBeCloseTo(b, 6);
    expect(c.orders.map((o) => o.amount)).toEqual([40, 60]);
    near(c.orders[0]!.day, dayOf(daysBefore(100)));
    expect(c.refunds).toEqual([{ day: dayOf(daysBefore(90)), amount: 10 }]);
    // The ledger's state at each cutoff, dated by the latest entry before it.
    expect(c.loyalty).toEqual([
      { day: dayOf(daysBefore(100)), balance: 40, redemptions: 0 },
      { day: dayOf(daysBefore(20)), balance: 100, redemptions: 0 },
      { day: dayOf(daysBefore(10)), balance: 70, redemptions: 1 },
    ]);
    expect(c.points!.ledger.map((e) => e.key)).toEqual(["e1", "e2", "r1"]);
    expect(c.points!.ledger[2]).toMatchObject({ kind: "redeem", bucket: "available", points: -30 });
    expect(c.tierChanges!.map((t) => t.direction).sort()).toEqual([-1, 1]);
    // Days counted back from asOf: the send and the open 30 days and a bit back share the day
    // [asOf − 31, asOf − 30); the click is in the next.
    expect([...c.engagement!].sort((a, b) => a.day - b.day)).toEqual([
      { day: dayOf(AS_OF) - 31, sends: 1, opens: 1, clicks: 0 },
      { day: dayOf(AS_OF) - 30, sends: 0, opens: 0, clicks: 1 },
    ]);
    expect(c.reviews!.map((r) => [r.rating, r.sentiment]).sort()).toEqual([
      [2, -0.6],
      [4, null],
    ]);
  });

  it("reads no ledger for expiries when the program has none, and gives empty lists when there is nothing", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    await seed(SHOP);
    await db.engagementEvent.deleteMany({});
    await db.productReview.deleteMany({});
    const { customers } = await loadChurnInputs(db, SHOP, "USD", AS_OF, 100, {
      cutoffs: [AS_OF],
      lookbackDays: 270,
      expiry: { policy: "none" },
    });
    expect(customers[0]!.points).toBeUndefined();
    expect(customers[0]!.engagement).toBeUndefined();
    expect(customers[0]!.reviews).toBeUndefined();
  });
});
