import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { LedgerKind } from "~/generated/prisma/client";
import { resetDatabase } from "~tests/support/webhooks.server";
import { refreshLoyaltyStats } from "./refresh.server";

const db = prisma();
const SHOP = "stats-one.myshopify.com";
const OTHER = "stats-other.myshopify.com";
const TZ = "America/New_York";
const now = new Date("2026-03-10T15:00:00Z");

let seq = 0;
async function entry(shop: string, customerId: bigint, kind: LedgerKind, points: number, at: string) {
  seq += 1;
  await db.ledgerEntry.create({
    data: {
      shop,
      customerId,
      key: `${shop}:k${seq}`,
      kind,
      points,
      bucket: kind === "earn" ? "pending" : "available",
      occurredAt: new Date(at),
      programVersion: 1,
      lotKey: ["release", "refundReversal", "cancellationReversal"].includes(kind) ? "lot" : null,
    },
  });
}

/** The expected figures computed directly in JS from the raw rows, day by day in the shop's zone. */
async function direct(shop: string) {
  const day = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(d);
  const rows = new Map<string, Record<string, number>>();
  const at = (d: string) => {
    const row = rows.get(d) ?? {
      pointsIssued: 0,
      pointsRedeemed: 0,
      pointsExpired: 0,
      pointsReversed: 0,
      pointsAdjusted: 0,
      redemptions: 0,
      newMembers: 0,
    };
    rows.set(d, row);
    return row;
  };
  for (const e of await db.ledgerEntry.findMany({ where: { shop } })) {
    const row = at(day(e.occurredAt));
    if (e.kind === "earn" || e.kind === "bonus") row.pointsIssued! += e.points;
    if (e.kind === "redeem" || e.kind === "redemptionReturn") row.pointsRedeemed! -= e.points;
    if (e.kind === "expiry") row.pointsExpired! -= e.points;
    if (e.kind === "refundReversal" || e.kind === "cancellationReversal") row.pointsReversed! -= e.points;
    if (e.kind === "adjustment") row.pointsAdjusted! += e.points;
  }
  for (const r of await db.redemption.findMany({ where: { shop, status: { not: "failed" } } }))
    at(day(r.createdAt)).redemptions! += 1;
  for (const m of await db.member.findMany({ where: { shop, enrolledAt: { not: null } } }))
    at(day(m.enrolledAt!)).newMembers! += 1;
  return rows;
}

async function stored(shop: string) {
  const rows = await db.loyaltyStatsDaily.findMany({ where: { shop }, orderBy: { day: "asc" } });
  return new Map(
    rows
      .filter(
        (r) =>
          r.pointsIssued ||
          r.pointsRedeemed ||
          r.pointsExpired ||
          r.pointsReversed ||
          r.pointsAdjusted ||
          r.redemptions ||
          r.newMembers,
      )
      .map((r) => [
        r.day.toISOString().slice(0, 10),
        {
          pointsIssued: Number(r.pointsIssued),
          pointsRedeemed: Number(r.pointsRedeemed),
          pointsExpired: Number(r.pointsExpired),
          pointsReversed: Number(r.pointsReversed),
          pointsAdjusted: Number(r.pointsAdjusted),
          redemptions: r.redemptions,
          newMembers: r.newMembers,
        },
      ]),
  );
}

async function seed(shop: string, scale: number) {
  await db.member.createMany({
    data: [
      {
        shop,
        customerId: 1n,
        enrolledAt: new Date("2026-03-01T04:59:00Z"),
        availablePoints: 300 * scale,
        pendingPoints: 50,
      },
      { shop, customerId: 2n, enrolledAt: new Date("2026-03-01T05:00:00Z"), availablePoints: -20 },
      {
        shop,
        customerId: 3n,
        enrolledAt: new Date("2026-03-09T12:00:00Z"),
        status: "deleted",
        availablePoints: 999,
      },
      { shop, customerId: 4n, status: "excluded", availablePoints: 10 },
    ],
  });
  // 04:59Z on Mar 2 is still Mar 1 in New York: day boundaries follow the shop's zone.
  await entry(shop, 1n, "earn", 120 * scale, "2026-03-02T04:59:00Z");
  await entry(shop, 1n, "earn", 80 * scale, "2026-03-02T05:00:00Z");
  await entry(shop, 1n, "bonus", 25, "2026-03-02T18:00:00Z");
  await entry(shop, 1n, "release", 120, "2026-03-05T12:00:00Z");
  await entry(shop, 1n, "redeem", -100, "2026-03-05T13:00:00Z");
  await entry(shop, 1n, "redemptionReturn", 100, "2026-03-06T13:00:00Z");
  await entry(shop, 1n, "redeem", -200, "2026-03-06T14:00:00Z");
  await entry(shop, 2n, "refundReversal", -30, "2026-03-07T14:00:00Z");
  await entry(shop, 2n, "cancellationReversal", -5, "2026-03-07T15:00:00Z");
  await entry(shop, 2n, "expiry", -12, "2026-03-08T15:00:00Z");
  await entry(shop, 2n, "adjustment", -40, "2026-03-09T15:00:00Z");
  await entry(shop, 2n, "adjustment", 15, "2026-03-09T16:00:00Z");
  await db.redemption.createMany({
    data: [
      {
        shop,
        customerId: 1n,
        rewardId: "r",
        reward: {},
        pointsCost: 100,
        programVersion: 1,
        status: "failed",
        createdAt: new Date("2026-03-05T13:00:00Z"),
      },
      {
        shop,
        customerId: 1n,
        rewardId: "r",
        reward: {},
        pointsCost: 200,
        programVersion: 1,
        status: "issued",
        createdAt: new Date("2026-03-06T14:00:00Z"),
      },
    ],
  });
}

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.createMany({
    data: [
      { domain: SHOP, ianaTimezone: TZ },
      { domain: OTHER, ianaTimezone: TZ },
    ],
  });
  await seed(SHOP, 1);
  await seed(OTHER, 3);
});

describe("refreshLoyaltyStats", () => {
  it("stores per-day figures equal to a direct computation from the ledger, in the shop's zone", async () => {
    await refreshLoyaltyStats(db, SHOP, { now, full: true });
    const expected = await direct(SHOP);
    expect(await stored(SHOP)).toEqual(expected);
    expect(expected.get("2026-03-01")).toMatchObject({ pointsIssued: 120, newMembers: 1 });
    expect(expected.get("2026-02-28")).toMatchObject({ newMembers: 1 });
    expect(await db.loyaltyStatsDaily.count({ where: { shop: OTHER } })).toBe(0);
  });

  it("snapshots members and outstanding points, leaving out deleted members and negative balances", async () => {
    await refreshLoyaltyStats(db, SHOP, { now });
    const snapshot = await db.loyaltyStatsSnapshot.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(snapshot).toMatchObject({
      members: 3,
      activeMembers: 2,
      availablePoints: 310n,
      pendingPoints: 50n,
    });
    const maxId = await db.ledgerEntry.aggregate({ where: { shop: SHOP }, _max: { id: true } });
    expect(snapshot.lastLedgerId).toBe(maxId._max.id);
  });

  it("picks up entries written after the last refresh, whatever their date, and only recomputes changed days", async () => {
    await refreshLoyaltyStats(db, SHOP, { now, full: true });
    await entry(SHOP, 1n, "earn", 1000, "2026-01-15T12:00:00Z");
    await entry(SHOP, 1n, "expiry", -7, "2026-03-08T20:00:00Z");
    const result = await refreshLoyaltyStats(db, SHOP, { now });
    // Jan 15, Mar 8, and the three recent days Mar 8–10 (New York).
    expect(result.days).toBe(4);
    expect(await stored(SHOP)).toEqual(await direct(SHOP));
  });

  it("a full refresh drops days whose entries are gone", async () => {
    await refreshLoyaltyStats(db, SHOP, { now, full: true });
    await db.ledgerEntry.deleteMany({ where: { shop: SHOP, kind: "expiry" } });
    await refreshLoyaltyStats(db, SHOP, { now, full: true });
    expect(await stored(SHOP)).toEqual(await direct(SHOP));
    expect(
      await db.loyaltyStatsDaily.findFirst({ where: { shop: SHOP, day: new Date("2026-03-08") } }),
    ).toBeNull();
  });

  it("falls back to UTC days for a shop whose time zone PostgreSQL does not know", async () => {
    await db.shop.update({ where: { domain: SHOP }, data: { ianaTimezone: "Mars/Olympus_Mons" } });
    expect((await refreshLoyaltyStats(db, SHOP, { now })).timeZone).toBe("UTC");
  });
});
