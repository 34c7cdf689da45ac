import type { PrismaClient } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { addDays, fillDays, KPI_DAYS, liabilityMinor, localDay, pointValue, redemptionRate } from "./kpis";

// The dashboard's loyalty KPIs, read only from the prepared aggregates
// (LoyaltyStatsDaily, LoyaltyStatsSnapshot) that refresh-loyalty-stats keeps current.

export async function loadLoyaltyKpis(db: PrismaClient, shop: string, now: Date) {
  const shopRow = await db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } });
  const to = localDay(now, shopRow?.ianaTimezone);
  const from = addDays(to, -(KPI_DAYS - 1));
  // Shop-wide numbers, so points are valued under the live program.
  const [snapshot, rows, { program }] = await Promise.all([
    db.loyaltyStatsSnapshot.findUnique({ where: { shop } }),
    db.loyaltyStatsDaily.findMany({
      where: { shop, day: { gte: new Date(`${from}T00:00:00Z`), lte: new Date(`${to}T00:00:00Z`) } },
      orderBy: { day: "asc" },
    }),
    currentProgramVersion(db, shop),
  ]);
  const days = fillDays(
    rows.map((r) => ({
      day: r.day.toISOString().slice(0, 10),
      pointsIssued: Number(r.pointsIssued),
      pointsRedeemed: Number(r.pointsRedeemed),
      pointsExpired: Number(r.pointsExpired),
      pointsReversed: Number(r.pointsReversed),
      redemptions: r.redemptions,
      newMembers: r.newMembers,
    })),
    from,
    to,
  );
  const outstanding = snapshot ? Number(snapshot.availablePoints + snapshot.pendingPoints) : 0;
  const value = pointValue(program);
  const sum = (key: "pointsIssued" | "pointsRedeemed" | "redemptions" | "newMembers") =>
    days.reduce((total, d) => total + d[key], 0);
  return {
    refreshedAt: snapshot?.refreshedAt.toISOString() ?? null,
    currency: program.currency,
    members: snapshot?.members ?? 0,
    activeMembers: snapshot?.activeMembers ?? 0,
    newMembers: sum("newMembers"),
    pointsIssued: sum("pointsIssued"),
    pointsRedeemed: sum("pointsRedeemed"),
    redemptions: sum("redemptions"),
    redemptionRate: redemptionRate(days),
    outstandingPoints: outstanding,
    availablePoints: snapshot ? Number(snapshot.availablePoints) : 0,
    pendingPoints: snapshot ? Number(snapshot.pendingPoints) : 0,
    pointValue: value,
    liabilityMinor: liabilityMinor(outstanding, value),
    days: days.map((d) => ({ day: d.day, issued: d.pointsIssued, redeemed: d.pointsRedeemed })),
  };
}

export type LoyaltyKpis = Awaited<ReturnType<typeof loadLoyaltyKpis>>;
