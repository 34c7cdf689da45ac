import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { cachedBusinessFigures, forgetBusinessFigures, loadBusinessFigures } from "./business.server";
import { periodEnding } from "./periods";
import { seedBusinessShop } from "~tests/support/business-world.server";

// The business figures of a small shop, each computed by hand from the rows below
// (business-fixture.server.ts lists them with the reason each one counts or not).

const db = prisma();
const SHOP = "business.myshopify.com";
const OTHER = "business-other.myshopify.com";
const TZ = "America/New_York";
// Today in New York is 2026-03-10: the 30-day period is Feb 9 – Mar 10, the previous Jan 10 – Feb 8.
const period = periodEnding("2026-03-10", 30);

beforeAll(async () => {
  await resetDatabase(db);
  await seedBusinessShop(db, SHOP);
  await seedBusinessShop(db, OTHER, { scale: 3 });
});

const load = (shop = SHOP) => loadBusinessFigures(db, shop, { period, timeZone: TZ, currency: "USD" });

describe("loadBusinessFigures", () => {
  it("splits the period's orders and buyers between members and everyone else", async () => {
    const { current } = await load();
    // Members: C1 $80 less a $20 refund, C2 $120 after joining, C5 $10 (00:00 New York), C6 $50,
    // and C7's $15 that earned points before the import enrolled C7.
    expect(current.members).toEqual({
      orders: 5,
      revenueMinor: 25_500,
      buyers: 5,
      buyerOrders: 5,
      // C1 (third order), C2 (second), C5 (second); C6 and C7 bought once.
      repeaters: 3,
    });
    // Others: C2 $40 before joining, C3 $30 + $70, a guest's $25, excluded C4's $200.
    expect(current.others).toEqual({
      orders: 5,
      revenueMinor: 36_500,
      buyers: 3, // the guest is no buyer one can follow
      buyerOrders: 4,
      repeaters: 1, // C3
    });
  });

  it("gives the previous period's figures, day boundaries in the shop's zone", async () => {
    const { previous } = await load();
    // C1's $100 (second order) and C5's $10 at 23:59 New York on Feb 8.
    expect(previous.members).toEqual({
      orders: 2,
      revenueMinor: 11_000,
      buyers: 2,
      buyerOrders: 2,
      repeaters: 1,
    });
    expect(previous.others).toEqual({ orders: 0, revenueMinor: 0, buyers: 0, buyerOrders: 0, repeaters: 0 });
  });

  it("costs used rewards in the period they were used, unless their points came back", async () => {
    const figures = await load();
    expect(figures.rewardCost).toEqual({ currentMinor: 1_700, previousMinor: 500 });
    expect(figures.rewards).toEqual([
      {
        rewardId: "five",
        name: "$5 off",
        redeemed: 3,
        redeemedPrevious: 1,
        used: 1,
        costMinor: 500,
        costPreviousMinor: 500,
      },
      {
        rewardId: "pct",
        name: "10% off",
        redeemed: 1,
        redeemedPrevious: 0,
        used: 1,
        costMinor: 1_200,
        costPreviousMinor: 0,
      },
    ]);
  });

  it("lays member and other revenue out by day in the shop's zone", async () => {
    const { revenueByDay } = await load();
    expect(revenueByDay).toEqual([
      { day: "2026-02-09", memberMinor: 1_000, otherMinor: 0 },
      { day: "2026-02-10", memberMinor: 0, otherMinor: 3_000 },
      { day: "2026-02-15", memberMinor: 0, otherMinor: 4_000 },
      { day: "2026-03-01", memberMinor: 6_000, otherMinor: 0 },
      { day: "2026-03-02", memberMinor: 0, otherMinor: 2_500 },
      { day: "2026-03-03", memberMinor: 0, otherMinor: 20_000 },
      { day: "2026-03-04", memberMinor: 1_500, otherMinor: 0 },
      { day: "2026-03-05", memberMinor: 12_000, otherMinor: 0 },
      { day: "2026-03-06", memberMinor: 5_000, otherMinor: 0 },
      { day: "2026-03-08", memberMinor: 0, otherMinor: 7_000 },
    ]);
  });

  it("reads only the asked shop's rows", async () => {
    const other = await load(OTHER);
    expect(other.current.members.revenueMinor).toBe(76_500);
    expect(other.rewardCost.currentMinor).toBe(1_700);
  });
});

describe("cachedBusinessFigures", () => {
  // Last in this file: it deletes the shops' orders.
  it("remembers a shop's figures for a minute, and reads again when the aggregates were refreshed", async () => {
    forgetBusinessFigures();
    const t0 = new Date("2026-03-10T15:00:00Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const options = { period, timeZone: TZ, currency: "USD" };
    const v1 = new Date("2026-03-10T14:59:00Z");
    const v2 = new Date("2026-03-10T15:00:10Z");
    const other = await cachedBusinessFigures(db, OTHER, { ...options, now: t0, version: v1 });
    const shop = await cachedBusinessFigures(db, SHOP, { ...options, now: t0, version: v1 });
    expect(other.figures.current.members.revenueMinor).toBe(76_500);
    await db.order.deleteMany({ where: { shop: { in: [SHOP, OTHER] } } });

    // Within the minute, same aggregates: remembered.
    expect(await cachedBusinessFigures(db, OTHER, { ...options, now: at(30_000), version: v1 })).toEqual(
      other,
    );
    // The aggregates were refreshed: read again.
    const renewed = await cachedBusinessFigures(db, OTHER, { ...options, now: at(30_000), version: v2 });
    expect(renewed).toMatchObject({ at: at(30_000), figures: { current: { members: { revenueMinor: 0 } } } });
    // A minute later: read again.
    expect(await cachedBusinessFigures(db, SHOP, { ...options, now: at(59_000), version: v1 })).toEqual(shop);
    const expired = await cachedBusinessFigures(db, SHOP, { ...options, now: at(61_000), version: v1 });
    expect(expired.figures.current.members.revenueMinor).toBe(0);
  });
});
