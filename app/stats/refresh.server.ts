import { Prisma, type PrismaClient } from "~/db.server";
import { refreshMemberFacts } from "./member-facts.server";
import { refreshBusinessFigures } from "./stored-figures.server";

// Refreshes a shop's prepared dashboard aggregates with set-based SQL: one INSERT … SELECT
// … GROUP BY … ON CONFLICT DO UPDATE over the days that changed, and one snapshot of
// members and outstanding points. Days are calendar days in the shop's time zone.
//
// Which days changed: those of ledger entries above the id the last refresh saw, plus the
// most recent days (a transaction that took an id before the last refresh but committed
// after it carries a recent date; recomputing those days picks it up). A full refresh
// (after a backfill) recomputes every day and drops days that no longer have data.

export const RECENT_DAYS = 3;

export interface RefreshOptions {
  now: Date;
  /** Recompute every day from the ledger instead of only changed and recent ones. */
  full?: boolean;
}

export interface RefreshResult {
  days: number;
  lastLedgerId: bigint;
  timeZone: string;
}

type Tx = Prisma.TransactionClient;

export async function refreshLoyaltyStats(
  db: PrismaClient,
  shop: string,
  options: RefreshOptions,
): Promise<RefreshResult> {
  const result = await refreshAggregates(db, shop, options);
  // Read every member or every order of a period: every 5 or 15 minutes, not every minute.
  await refreshBusinessFigures(db, shop, result.timeZone, options.now, { force: options.full });
  await refreshMemberFacts(db, shop, options.now, { force: options.full });
  return result;
}

async function refreshAggregates(
  db: PrismaClient,
  shop: string,
  options: RefreshOptions,
): Promise<RefreshResult> {
  return db.$transaction(
    async (tx) => {
      // Two refreshes of one shop at once would compute the same rows; let one wait.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`stats:${shop}`}))`;
      const timeZone = await shopTimeZone(tx, shop);
      const [state] = await tx.$queryRaw<{ cursor: bigint; maxId: bigint }[]>`
        SELECT COALESCE((SELECT "lastLedgerId" FROM "LoyaltyStatsSnapshot" WHERE "shop" = ${shop}), 0)::bigint AS "cursor",
               COALESCE((SELECT max("id") FROM "LedgerEntry" WHERE "shop" = ${shop}), 0)::bigint AS "maxId"`;
      const { cursor, maxId } = state!;
      const days = options.full
        ? await allDays(tx, shop, timeZone)
        : await changedDays(tx, shop, timeZone, cursor, maxId, options.now);
      if (options.full) {
        await tx.$executeRaw`
          DELETE FROM "LoyaltyStatsDaily"
          WHERE "shop" = ${shop} AND NOT ("day" = ANY(${days}::date[]))`;
      }
      if (days.length) await upsertDays(tx, shop, timeZone, days, options.now);
      await upsertSnapshot(tx, shop, maxId, options.now);
      return { days: days.length, lastLedgerId: maxId, timeZone };
    },
    { timeout: 120_000 },
  );
}

/**
 * The shop's IANA zone when PostgreSQL knows it, else UTC (an unknown name would fail the
 * SQL). pg_timezone_names reads the zone files on every query (~90 ms), so each name's
 * answer is remembered for the process's life.
 */
export async function shopTimeZone(tx: Tx | PrismaClient, shop: string): Promise<string> {
  const row = await tx.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } });
  const name = row?.ianaTimezone;
  if (!name) return "UTC";
  let known = knownZones.get(name);
  if (known === undefined) {
    const rows = await tx.$queryRaw<{ name: string }[]>`
      SELECT "name" FROM pg_timezone_names WHERE "name" = ${name} LIMIT 1`;
    known = rows.length > 0;
    knownZones.set(name, known);
  }
  return known ? name : "UTC";
}
const knownZones = new Map<string, boolean>();

const localDay = (column: Prisma.Sql, timeZone: string) =>
  Prisma.sql`((${column} AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::date`;

async function changedDays(
  tx: Tx,
  shop: string,
  timeZone: string,
  cursor: bigint,
  maxId: bigint,
  now: Date,
): Promise<string[]> {
  const rows = await tx.$queryRaw<{ day: string }[]>`
    SELECT DISTINCT ${localDay(Prisma.sql`"occurredAt"`, timeZone)}::text AS "day"
    FROM "LedgerEntry" WHERE "id" > ${cursor} AND "id" <= ${maxId} AND "shop" = ${shop}
    UNION
    SELECT (${localDay(Prisma.sql`${now}::timestamp`, timeZone)} - g)::text
    FROM generate_series(0, ${RECENT_DAYS - 1}) AS g
    ORDER BY 1`;
  return rows.map((r) => r.day);
}

async function allDays(tx: Tx, shop: string, timeZone: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ day: string }[]>`
    SELECT DISTINCT ${localDay(Prisma.sql`"occurredAt"`, timeZone)}::text AS "day" FROM "LedgerEntry" WHERE "shop" = ${shop}
    UNION
    SELECT DISTINCT ${localDay(Prisma.sql`"enrolledAt"`, timeZone)}::text FROM "Member"
      WHERE "shop" = ${shop} AND "enrolledAt" IS NOT NULL
    UNION
    SELECT DISTINCT ${localDay(Prisma.sql`"createdAt"`, timeZone)}::text FROM "Redemption" WHERE "shop" = ${shop}
    ORDER BY 1`;
  return rows.map((r) => r.day);
}

async function upsertDays(tx: Tx, shop: string, timeZone: string, days: string[], now: Date) {
  // Scans are bounded to [first day, last day + 1) in the shop's zone so the
  // (shop, occurredAt) index serves them.
  await tx.$executeRaw`
    WITH days AS (SELECT unnest(${days}::date[]) AS "day"),
    bounds AS (
      SELECT (min("day")::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC' AS lo,
             ((max("day") + 1)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC' AS hi
      FROM days),
    ledger AS (
      SELECT ${localDay(Prisma.sql`e."occurredAt"`, timeZone)} AS "day",
        COALESCE(SUM(e."points") FILTER (WHERE e."kind" IN ('earn', 'bonus', 'correction')), 0) AS issued,
        COALESCE(-SUM(e."points") FILTER (WHERE e."kind" IN ('redeem', 'redemptionReturn')), 0) AS redeemed,
        COALESCE(-SUM(e."points") FILTER (WHERE e."kind" = 'expiry'), 0) AS expired,
        COALESCE(-SUM(e."points") FILTER (WHERE e."kind" IN ('refundReversal', 'cancellationReversal')), 0) AS reversed,
        COALESCE(SUM(e."points") FILTER (WHERE e."kind" IN ('adjustment', 'migration')), 0) AS adjusted
      FROM "LedgerEntry" e, bounds
      WHERE e."shop" = ${shop} AND e."occurredAt" >= bounds.lo AND e."occurredAt" < bounds.hi
      GROUP BY 1),
    redemptions AS (
      SELECT ${localDay(Prisma.sql`r."createdAt"`, timeZone)} AS "day", COUNT(*) AS n
      FROM "Redemption" r, bounds
      WHERE r."shop" = ${shop} AND r."status" <> 'failed'
        AND r."createdAt" >= bounds.lo AND r."createdAt" < bounds.hi
      GROUP BY 1),
    members AS (
      SELECT ${localDay(Prisma.sql`m."enrolledAt"`, timeZone)} AS "day", COUNT(*) AS n
      FROM "Member" m, bounds
      WHERE m."shop" = ${shop} AND m."enrolledAt" >= bounds.lo AND m."enrolledAt" < bounds.hi
      GROUP BY 1)
    INSERT INTO "LoyaltyStatsDaily" AS s ("shop", "day", "pointsIssued", "pointsRedeemed", "pointsExpired",
      "pointsReversed", "pointsAdjusted", "redemptions", "newMembers", "refreshedAt")
    SELECT ${shop}, d."day", COALESCE(l.issued, 0), COALESCE(l.redeemed, 0), COALESCE(l.expired, 0),
      COALESCE(l.reversed, 0), COALESCE(l.adjusted, 0), COALESCE(r.n, 0), COALESCE(m.n, 0), ${now}
    FROM days d
    LEFT JOIN ledger l ON l."day" = d."day"
    LEFT JOIN redemptions r ON r."day" = d."day"
    LEFT JOIN members m ON m."day" = d."day"
    ON CONFLICT ("shop", "day") DO UPDATE SET
      "pointsIssued" = EXCLUDED."pointsIssued",
      "pointsRedeemed" = EXCLUDED."pointsRedeemed",
      "pointsExpired" = EXCLUDED."pointsExpired",
      "pointsReversed" = EXCLUDED."pointsReversed",
      "pointsAdjusted" = EXCLUDED."pointsAdjusted",
      "redemptions" = EXCLUDED."redemptions",
      "newMembers" = EXCLUDED."newMembers",
      "refreshedAt" = EXCLUDED."refreshedAt"`;
}

/** Members and outstanding points now. Deleted members can no longer spend; a negative balance is no liability. */
async function upsertSnapshot(tx: Tx, shop: string, lastLedgerId: bigint, now: Date) {
  await tx.$executeRaw`
    INSERT INTO "LoyaltyStatsSnapshot" AS s ("shop", "lastLedgerId", "members", "activeMembers",
      "availablePoints", "pendingPoints", "refreshedAt")
    SELECT ${shop}, ${lastLedgerId},
      COUNT(*) FILTER (WHERE m."status" <> 'deleted'),
      COUNT(*) FILTER (WHERE m."status" = 'active'),
      COALESCE(SUM(GREATEST(m."availablePoints", 0)) FILTER (WHERE m."status" <> 'deleted'), 0),
      COALESCE(SUM(GREATEST(m."pendingPoints", 0)) FILTER (WHERE m."status" <> 'deleted'), 0),
      ${now}
    FROM "Member" m WHERE m."shop" = ${shop}
    ON CONFLICT ("shop") DO UPDATE SET
      "lastLedgerId" = EXCLUDED."lastLedgerId",
      "members" = EXCLUDED."members",
      "activeMembers" = EXCLUDED."activeMembers",
      "availablePoints" = EXCLUDED."availablePoints",
      "pendingPoints" = EXCLUDED."pendingPoints",
      "refreshedAt" = EXCLUDED."refreshedAt"`;
}

/** Every installed shop, refreshed one after another; used by the scheduled job. */
export async function refreshAllShops(db: PrismaClient, now: Date): Promise<{ shops: number; days: number }> {
  const shops = await db.shop.findMany({ where: { status: "installed" }, select: { domain: true } });
  let days = 0;
  for (const { domain } of shops) days += (await refreshLoyaltyStats(db, domain, { now })).days;
  return { shops: shops.length, days };
}
