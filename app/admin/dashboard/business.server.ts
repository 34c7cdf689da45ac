import type { PrismaClient } from "~/db.server";
import { currentProgramVersion, type ProgramVersionInfo } from "~/loyalty/services/program.server";
import { storedBusinessFigures } from "~/stats/stored-figures.server";
import { localDay, liabilityMinor, pointValue } from "~/stats/kpis";
import { outstandingByDay, redemptionRateBetween, type DailyNet } from "~/stats/liability";
import { periodEnding, type PeriodDays } from "~/stats/periods";
import { shopTimeZone } from "~/stats/refresh.server";
import { presentBusiness } from "./business-present";

// The loyalty manager's figures for one period against the one before: the business
// numbers from the mirror (app/stats/business.server.ts) as the stats refresh stored them
// (stored-figures.server.ts), points and liability
// from the prepared daily aggregates, all in the shop's zone and currency.

export async function loadBusinessDashboard(
  db: PrismaClient,
  shop: string,
  now: Date,
  days: PeriodDays,
  live: Promise<ProgramVersionInfo> = currentProgramVersion(db, shop),
) {
  const [shopRow, timeZone, { program }, snapshot] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true, ianaTimezone: true } }),
    shopTimeZone(db, shop),
    live,
    db.loyaltyStatsSnapshot.findUnique({ where: { shop } }),
  ]);
  const currency = shopRow?.currencyCode ?? program.currency;
  const period = periodEnding(localDay(now, timeZone), days);
  const [{ figures, at }, rows] = await Promise.all([
    // Stored by the stats refresh every 5 minutes (app/stats/stored-figures.server.ts), dated on the page.
    storedBusinessFigures(db, shop, { period, timeZone, currency, now }),
    db.loyaltyStatsDaily.findMany({
      where: {
        shop,
        day: { gte: new Date(`${period.previousFrom}T00:00:00Z`), lte: new Date(`${period.to}T00:00:00Z`) },
      },
      orderBy: { day: "asc" },
    }),
  ]);
  const daily: DailyNet[] = rows.map((r) => ({
    day: r.day.toISOString().slice(0, 10),
    pointsIssued: Number(r.pointsIssued),
    pointsRedeemed: Number(r.pointsRedeemed),
    pointsExpired: Number(r.pointsExpired),
    pointsReversed: Number(r.pointsReversed),
    pointsAdjusted: Number(r.pointsAdjusted),
  }));
  const outstanding = snapshot ? Number(snapshot.availablePoints + snapshot.pendingPoints) : 0;
  const value = pointValue(program);
  // From the day before the period, so the series' first point is the previous period's end.
  const series = outstandingByDay(daily, outstanding, period.previousTo, period.to);
  return presentBusiness({
    period,
    timeZone,
    currency,
    now: at,
    refreshedAt: snapshot?.refreshedAt ?? null,
    members: snapshot?.members ?? 0,
    figures,
    redemption: {
      current: redemptionRateBetween(daily, period.from, period.to),
      previous: redemptionRateBetween(daily, period.previousFrom, period.previousTo),
    },
    pointValue: value,
    liability: series.map((d) => ({
      day: d.day,
      points: d.points,
      minor: liabilityMinor(d.points, value),
    })),
  });
}

export type BusinessDashboard = Awaited<ReturnType<typeof loadBusinessDashboard>>;
