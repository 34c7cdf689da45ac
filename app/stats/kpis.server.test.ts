import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { saveProgram } from "~/loyalty/services/program.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { loadLoyaltyKpis } from "./kpis.server";
import { refreshLoyaltyStats } from "./refresh.server";

const db = prisma();
const SHOP = "kpis.myshopify.com";
const now = new Date("2026-03-10T12:00:00Z");

const entry = (key: string, kind: "earn" | "redeem", points: number, at: string) => ({
  shop: SHOP,
  customerId: 1n,
  key,
  kind,
  points,
  bucket: "available" as const,
  occurredAt: new Date(at),
  programVersion: 1,
});

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "USD" } });
  await db.member.createMany({
    data: [
      { shop: SHOP, customerId: 1n, availablePoints: 700, pendingPoints: 300 },
      { shop: SHOP, customerId: 2n, availablePoints: 0 },
    ],
  });
  await db.ledgerEntry.createMany({
    data: [
      entry("a", "earn", 1000, "2026-03-01T10:00:00Z"),
      entry("b", "redeem", -250, "2026-03-05T10:00:00Z"),
      // Outside the 90-day window: counted in the balance, not in the period's figures.
      entry("c", "earn", 5000, "2025-10-01T10:00:00Z"),
    ],
  });
  await saveProgram(
    db,
    SHOP,
    {
      currency: "USD",
      rewards: [
        {
          id: "five",
          name: "$5 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
          pointsCost: 500,
        },
      ],
    },
    { basedOn: 1 },
  );
});

describe("loadLoyaltyKpis", () => {
  it("reads members, period figures, rate and liability from the refreshed aggregates", async () => {
    await refreshLoyaltyStats(db, SHOP, { now, full: true });
    const kpis = await loadLoyaltyKpis(db, SHOP, now);
    expect(kpis).toMatchObject({
      members: 2,
      pointsIssued: 1000,
      pointsRedeemed: 250,
      redemptionRate: 0.25,
      outstandingPoints: 1000,
      pointValue: { basis: "reward", rewardName: "$5 off", minorPerPoint: 1 },
      liabilityMinor: 1000,
    });
    expect(kpis.days).toHaveLength(90);
    expect(kpis.days.at(-1)?.day).toBe("2026-03-10");
    expect(kpis.days.find((d) => d.day === "2026-03-05")).toEqual({
      day: "2026-03-05",
      issued: 0,
      redeemed: 250,
    });
  });

  it("shows zeros, not a failure, before the first refresh", async () => {
    const kpis = await loadLoyaltyKpis(db, SHOP, now);
    expect(kpis).toMatchObject({ members: 0, pointsIssued: 0, redemptionRate: null, refreshedAt: null });
  });
});
