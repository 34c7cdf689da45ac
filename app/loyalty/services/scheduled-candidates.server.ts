import { Prisma, type PrismaClient } from "~/db.server";
import { BIRTHDAY_GRACE_DAYS, birthdayIn } from "../bonuses";
import type { Program } from "../program";

// Which members the scheduled run must open, chosen in SQL from cached member columns and
// the member's own ledger index, so a run touches the few members with something due
// instead of replaying 100k ledgers. Each condition is a superset of what the pure rules
// will decide: the member's transaction replays the ledger and decides exactly.

const DAY_MS = 86_400_000;

/**
 * How late a run may be and still apply a lapse that a later purchase or redemption would
 * otherwise hide from the cached columns (the job runs hourly; this covers a week's outage).
 */
export const LATE_RUN_TOLERANCE_DAYS = 7;

// Timestamps go in as UTC ISO strings cast to timestamp, the way Prisma stores them.
const ts = (d: Date) => Prisma.sql`${d.toISOString()}::timestamp`;
const daysBefore = (d: Date, days: number) => ts(new Date(d.getTime() - days * DAY_MS));

/** The last scheduled re-evaluation instant at or before `now` (UTC midnight; weeks start Monday). */
export function lastEvaluationBoundary(schedule: Program["tiers"]["reevaluation"], now: Date): Date {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  const d = now.getUTCDate();
  if (schedule === "monthly") return new Date(Date.UTC(y, m, 1));
  if (schedule === "weekly") return new Date(Date.UTC(y, m, d - ((now.getUTCDay() + 6) % 7)));
  return new Date(Date.UTC(y, m, d));
}

/** (month, day, year) triples whose birthday falls inside the grant window ending at `now`. */
export function birthdayWindow(now: Date): { month: number; day: number; year: number }[] {
  const out: { month: number; day: number; year: number }[] = [];
  const from = now.getTime() - BIRTHDAY_GRACE_DAYS * DAY_MS;
  for (const year of [now.getUTCFullYear() - 1, now.getUTCFullYear()]) {
    for (let month = 1; month <= 12; month++) {
      for (let day = 1; day <= 31; day++) {
        const t = birthdayIn(year, { month, day }).getTime();
        if (t > from && t <= now.getTime()) out.push({ month, day, year });
      }
    }
  }
  return out;
}

// A credit that forms an available lot (see expiry.ts creditLots), as SQL over alias e.
const AVAILABLE_CREDIT = Prisma.sql`(e."points" > 0 AND (e."kind" = 'release' OR (e."bucket" = 'available' AND e."kind" <> 'expiry')))`;

const memberEntries = (alias: string) =>
  Prisma.raw(`${alias}."shop" = m."shop" AND ${alias}."customerId" = m."customerId"`);

function releaseCondition(now: Date): Prisma.Sql {
  return Prisma.sql`(m."pendingPoints" > 0 AND EXISTS (
    SELECT 1 FROM "LedgerEntry" e WHERE ${memberEntries("e")}
      AND e."bucket" = 'pending' AND e."kind" IN ('earn', 'bonus') AND e."points" > 0
      AND e."availableAt" <= ${ts(now)}
      AND NOT EXISTS (SELECT 1 FROM "LedgerEntry" r WHERE r."shop" = e."shop" AND r."key" = e."key" || ':release')))`;
}

function expiryCondition(expiry: Program["expiry"], now: Date): Prisma.Sql | null {
  if (expiry.policy === "none") return null;
  const cutoff = daysBefore(now, expiry.days);
  const recent = daysBefore(now, LATE_RUN_TOLERANCE_DAYS);
  const lateFrom = daysBefore(now, expiry.days + LATE_RUN_TOLERANCE_DAYS);
  if (expiry.policy === "inactivity") {
    return Prisma.sql`(
      (m."availablePoints" > 0 AND m."lastActivityAt" <= ${cutoff} AND NOT EXISTS (
        SELECT 1 FROM "LedgerEntry" x WHERE x."shop" = m."shop" AND x."key" = m."shop" || ':customer:' || m."customerId"
          || ':expiry:inactive-since:' || to_char(m."lastActivityAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
      OR (m."lastActivityAt" > ${recent} AND EXISTS (
        SELECT 1 FROM "LedgerEntry" e WHERE ${memberEntries("e")} AND e."kind" IN ('earn', 'redeem')
          AND e."occurredAt" > ${lateFrom} AND e."occurredAt" <= ${cutoff})))`;
  }
  // Fixed age: points older than the cutoff remain exactly when the balance exceeds what the
  // young lots can hold (their credits net of reversals aimed at them); FIFO spends old first.
  return Prisma.sql`(
    (m."availablePoints" > 0 AND m."availablePoints" > COALESCE((
      SELECT SUM(e."points") FROM "LedgerEntry" e WHERE ${memberEntries("e")} AND e."occurredAt" > ${cutoff}
        AND (${AVAILABLE_CREDIT} OR (e."points" < 0 AND e."bucket" = 'available'
          AND e."kind" IN ('refundReversal', 'cancellationReversal', 'correction') AND EXISTS (
            SELECT 1 FROM "LedgerEntry" c WHERE c."shop" = e."shop" AND c."occurredAt" > ${cutoff}
              AND ((c."key" = e."lotKey" AND c."bucket" = 'available') OR c."key" = e."lotKey" || ':release'))))
    ), 0))
    OR (m."lastActivityAt" > ${recent} AND EXISTS (
      SELECT 1 FROM "LedgerEntry" e WHERE ${memberEntries("e")} AND ${AVAILABLE_CREDIT}
        AND e."occurredAt" > ${lateFrom} AND e."occurredAt" <= ${cutoff})))`;
}

function noticeCondition(expiry: Program["expiry"], now: Date): Prisma.Sql | null {
  if (expiry.policy === "none") return null;
  const from = daysBefore(now, expiry.days);
  const to = daysBefore(now, expiry.days - expiry.noticeDays);
  const noticeKey = (instant: Prisma.Sql) =>
    Prisma.sql`m."shop" || ':customer:' || m."customerId" || ':expiry-notice:' || to_char(${instant} + make_interval(days => ${expiry.days}), 'YYYY-MM-DD')`;
  const unsent = (instant: Prisma.Sql) =>
    Prisma.sql`NOT EXISTS (SELECT 1 FROM "LoyaltyEvent" v WHERE v."shop" = m."shop" AND v."key" = ${noticeKey(instant)})`;
  if (expiry.policy === "inactivity") {
    return Prisma.sql`(m."status" = 'active' AND m."availablePoints" > 0 AND m."lastActivityAt" > ${from}
      AND m."lastActivityAt" <= ${to} AND ${unsent(Prisma.sql`m."lastActivityAt"`)})`;
  }
  return Prisma.sql`(m."status" = 'active' AND m."availablePoints" > 0 AND EXISTS (
    SELECT 1 FROM "LedgerEntry" e WHERE ${memberEntries("e")} AND ${AVAILABLE_CREDIT}
      AND e."occurredAt" > ${from} AND e."occurredAt" <= ${to} AND ${unsent(Prisma.sql`e."occurredAt"`)}))`;
}

function birthdayCondition(programs: readonly Program[], now: Date): Prisma.Sql | null {
  if (programs.every((p) => p.earning.bonuses.birthday <= 0)) return null;
  const window = birthdayWindow(now);
  const rows = Prisma.join(window.map((w) => Prisma.sql`(${w.month}::int, ${w.day}::int, ${w.year}::int)`));
  return Prisma.sql`(m."status" = 'active' AND m."birthdayMonth" IS NOT NULL AND EXISTS (
    SELECT 1 FROM (VALUES ${rows}) AS w(month, day, year)
    WHERE w.month = m."birthdayMonth" AND w.day = m."birthdayDay" AND NOT EXISTS (
      SELECT 1 FROM "LedgerEntry" b WHERE b."shop" = m."shop"
        AND b."key" = m."shop" || ':customer:' || m."customerId" || ':bonus:birthday:' || w.year)))`;
}

function tierCondition(reevaluation: Program["tiers"]["reevaluation"], now: Date): Prisma.Sql {
  const boundary = lastEvaluationBoundary(reevaluation, now);
  // Time alone can only lower a qualifying value, so members at zero without a tier have nothing to re-evaluate.
  return Prisma.sql`(m."status" = 'active' AND (m."tierEvaluatedAt" IS NULL OR (m."tierEvaluatedAt" < ${ts(boundary)}
    AND (m."tierId" IS NOT NULL OR m."tierValue" > 0 OR m."tierBelowSince" IS NOT NULL))))`;
}

function distinct<T>(values: readonly T[]): T[] {
  const seen = new Map(values.map((v) => [JSON.stringify(v), v]));
  return [...seen.values()];
}

/**
 * Members of `shop` after `afterCustomerId` (keyset) with scheduled work due at `now`, in id
 * order, under any of `programs`: every program a member may get (live and experiment
 * variants), so a variant's shorter expiry window or own tier schedule selects its members too.
 */
export async function scheduledCandidates(
  db: PrismaClient,
  shop: string,
  programs: readonly Program[],
  now: Date,
  options: { after: bigint; limit: number },
): Promise<bigint[]> {
  const expiries = distinct(programs.map((p) => p.expiry));
  const schedules = distinct(programs.flatMap((p) => (p.tiers.levels.length ? [p.tiers.reevaluation] : [])));
  const conditions = [
    releaseCondition(now),
    ...expiries.flatMap((expiry) => [expiryCondition(expiry, now), noticeCondition(expiry, now)]),
    birthdayCondition(programs, now),
    ...schedules.map((schedule) => tierCondition(schedule, now)),
  ].filter((c): c is Prisma.Sql => c !== null);
  const rows = await db.$queryRaw<{ customerId: bigint }[]>`
    SELECT m."customerId" FROM "Member" m
    WHERE m."shop" = ${shop} AND m."customerId" > ${options.after} AND m."status" <> 'deleted'
      AND (${Prisma.join(conditions, " OR ")})
    ORDER BY m."customerId" LIMIT ${options.limit}`;
  return rows.map((r) => r.customerId);
}
