import { Prisma, type PrismaClient } from "~/db.server";
import { COUNTED_ORDER_SQL, PLACED_AT_SQL } from "~/experiments/metrics";
import type { Period } from "./periods";

// What the program's members buy against everyone else, and what its rewards cost, over
// the dashboard's period and the one before it, in set-based SQL straight from the mirror
// (a shop of 20,000 customers and 30,000 orders answers in tens of milliseconds; see
// business.server.test.ts for the figures these must equal on a hand-computed shop).
//
// Definitions, the same ones the experiments use (app/experiments/metrics.ts):
// - a counted order is paid (or refunded), not cancelled, not a test, in the shop's
//   currency; its revenue is its total less its refunds; it is placed when Shopify created it;
// - a member order is one placed by a member (excluded customers are not members) who was
//   enrolled at the time, or one that earned points (imported history the merchant chose
//   to credit was placed under the program, whatever day the import enrolled its buyer);
// - a buyer repeats when they have placed at least two orders by the period's end;
// - a reward costs its fixed amount, or for other kinds what the order it was used on was
//   discounted; it costs in the period it was used, unless its points came back.

export type Group = {
  orders: number;
  revenueMinor: number;
  buyers: number;
  buyerOrders: number;
  repeaters: number;
};
export type PeriodFigures = { members: Group; others: Group };
export type RewardFigures = {
  rewardId: string;
  name: string;
  redeemed: number;
  redeemedPrevious: number;
  used: number;
  costMinor: number;
  costPreviousMinor: number;
};
export type RevenueDay = { day: string; memberMinor: number; otherMinor: number };

export interface BusinessFigures {
  current: PeriodFigures;
  previous: PeriodFigures;
  rewardCost: { currentMinor: number; previousMinor: number };
  rewards: RewardFigures[];
  revenueByDay: RevenueDay[];
}

type Db = PrismaClient | Prisma.TransactionClient;

/** Instants bounding the two periods, as UTC timestamps like the ones Prisma stores. */
const bounds = (period: Period, timeZone: string) => Prisma.sql`
  b AS (
    SELECT ((${period.previousFrom}::date)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC' AS prev_lo,
           ((${period.from}::date)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC' AS cur_lo,
           ((${period.to}::date + 1)::timestamp AT TIME ZONE ${timeZone}) AT TIME ZONE 'UTC' AS cur_hi)`;

/**
 * The shop's counted orders in the two periods, each with its net revenue, its period,
 * whether a member placed it, and its rank among its customer's orders (the orders before
 * the previous period counted in one hash aggregate, so only the periods' orders are sorted).
 */
const orders = (shop: string, currency: string) => Prisma.sql`
  rf AS (SELECT "orderId", sum("totalMinor") AS refunded FROM "Refund" WHERE "shop" = ${shop} GROUP BY 1),
  counted AS (
    SELECT o."id", o."customerId", ${Prisma.raw(PLACED_AT_SQL)} AS placed, o."totalMinor"
    FROM "Order" o, b
    WHERE o."shop" = ${shop} AND ${Prisma.raw(COUNTED_ORDER_SQL)} AND o."currencyCode" = ${currency}
      AND ${Prisma.raw(PLACED_AT_SQL)} < b.cur_hi),
  prior AS (
    SELECT c."customerId", count(*) AS n FROM counted c, b
    WHERE c.placed < b.prev_lo AND c."customerId" IS NOT NULL GROUP BY 1),
  members AS (
    SELECT "customerId", "enrolledAt" FROM "Member"
    WHERE "shop" = ${shop} AND "status" IN ('active', 'deleted') AND "enrolledAt" IS NOT NULL),
  earned AS (
    SELECT DISTINCT e."orderId" FROM "LedgerEntry" e, b
    WHERE e."shop" = ${shop} AND e."kind" = 'earn' AND e."orderId" IS NOT NULL
      AND e."occurredAt" >= b.prev_lo - interval '1 day' AND e."occurredAt" < b.cur_hi + interval '1 day'),
  p AS MATERIALIZED (
    SELECT c."id", c."customerId", c.placed, (c."totalMinor" - COALESCE(rf.refunded, 0))::float8 AS net,
           (c.placed >= b.cur_lo) AS cur,
           (m."customerId" IS NOT NULL AND (m."enrolledAt" <= c.placed OR ea."orderId" IS NOT NULL)) AS member,
           CASE WHEN c."customerId" IS NULL THEN 1
                ELSE COALESCE(pr.n, 0) + row_number() OVER (PARTITION BY c."customerId" ORDER BY c.placed, c."id")
           END AS nth
    FROM counted c CROSS JOIN b
    LEFT JOIN rf ON rf."orderId" = c."id"
    LEFT JOIN members m ON m."customerId" = c."customerId"
    LEFT JOIN earned ea ON ea."orderId" = c."id"
    LEFT JOIN prior pr ON pr."customerId" = c."customerId"
    WHERE c.placed >= b.prev_lo)`;

type GroupRow = { cur: boolean; member: boolean } & Group;

/** The periods' member and other figures, and the current period's revenue by day, in one pass over the orders. */
async function orderFigures(db: Db, shop: string, currency: string, period: Period, timeZone: string) {
  const [result] = await db.$queryRaw<Array<{ groups: GroupRow[] | null; days: RevenueDay[] | null }>>`
    WITH ${bounds(period, timeZone)}, ${orders(shop, currency)},
    by_buyer AS (
      SELECT cur, member, "customerId", count(*) AS n, max(nth) AS nth
      FROM p WHERE "customerId" IS NOT NULL GROUP BY 1, 2, 3),
    o AS (SELECT cur, member, count(*)::int AS orders, COALESCE(sum(net), 0)::float8 AS "revenueMinor" FROM p GROUP BY 1, 2),
    c AS (SELECT cur, member, count(*)::int AS buyers, sum(n)::int AS "buyerOrders",
                 (count(*) FILTER (WHERE nth >= 2))::int AS repeaters
          FROM by_buyer GROUP BY 1, 2),
    g AS (
      SELECT o.cur, o.member, o.orders, o."revenueMinor", COALESCE(c.buyers, 0) AS buyers,
             COALESCE(c."buyerOrders", 0) AS "buyerOrders", COALESCE(c.repeaters, 0) AS repeaters
      FROM o LEFT JOIN c USING (cur, member)),
    d AS (
      SELECT ((placed AT TIME ZONE 'UTC') AT TIME ZONE ${timeZone})::date::text AS day,
             COALESCE(sum(net) FILTER (WHERE member), 0)::float8 AS "memberMinor",
             COALESCE(sum(net) FILTER (WHERE NOT member), 0)::float8 AS "otherMinor"
      FROM p WHERE cur GROUP BY 1)
    SELECT (SELECT json_agg(g) FROM g) AS groups, (SELECT json_agg(d ORDER BY d.day) FROM d) AS days`;
  const rows = result?.groups ?? [];
  const group = (cur: boolean, member: boolean): Group => {
    const row = rows.find((r) => r.cur === cur && r.member === member);
    return {
      orders: row?.orders ?? 0,
      revenueMinor: row?.revenueMinor ?? 0,
      buyers: row?.buyers ?? 0,
      buyerOrders: row?.buyerOrders ?? 0,
      repeaters: row?.repeaters ?? 0,
    };
  };
  return {
    current: { members: group(true, true), others: group(true, false) },
    previous: { members: group(false, true), others: group(false, false) },
    revenueByDay: result?.days ?? [],
  };
}

/** What a used reward cost: its fixed amount, else what the order it was used on was discounted. */
const REWARD_COST = Prisma.sql`COALESCE((r."reward"->'value'->'amount'->>'amountMinor')::float8,
  (SELECT u."totalDiscountsMinor"::float8 FROM "Order" u WHERE u."shop" = r."shop" AND u."id" = r."usedOrderId"), 0)`;

async function rewardFigures(db: Db, shop: string, period: Period, timeZone: string) {
  return db.$queryRaw<RewardFigures[]>`
    WITH ${bounds(period, timeZone)},
    r AS (
      SELECT r.*, ${REWARD_COST} AS cost,
             (r."status" = 'used' AND r."returnedAt" IS NULL AND r."usedAt" IS NOT NULL) AS counted_use
      FROM "Redemption" r, b
      WHERE r."shop" = ${shop} AND (r."createdAt" >= b.prev_lo OR r."usedAt" >= b.prev_lo))
    SELECT r."rewardId", COALESCE(max(r."reward"->>'name'), r."rewardId") AS name,
      (count(*) FILTER (WHERE r."status" <> 'failed' AND r."createdAt" >= b.cur_lo AND r."createdAt" < b.cur_hi))::int AS redeemed,
      (count(*) FILTER (WHERE r."status" <> 'failed' AND r."createdAt" >= b.prev_lo AND r."createdAt" < b.cur_lo))::int AS "redeemedPrevious",
      (count(*) FILTER (WHERE counted_use AND r."usedAt" >= b.cur_lo AND r."usedAt" < b.cur_hi))::int AS used,
      COALESCE(sum(cost) FILTER (WHERE counted_use AND r."usedAt" >= b.cur_lo AND r."usedAt" < b.cur_hi), 0)::float8 AS "costMinor",
      COALESCE(sum(cost) FILTER (WHERE counted_use AND r."usedAt" >= b.prev_lo AND r."usedAt" < b.cur_lo), 0)::float8 AS "costPreviousMinor"
    FROM r, b GROUP BY r."rewardId" ORDER BY redeemed DESC, "costMinor" DESC, r."rewardId"`;
}

/**
 * Figures remembered per shop, period and day for a minute, or until `version` changes
 * (the caller passes when the loyalty aggregates were last refreshed, which the worker does
 * every minute and after an import): a dashboard opened, reloaded and switched between
 * periods reads the orders once (about 0.1 s for 38,000 orders on an idle host, several
 * times that on a busy one), and never shows an empty shop's figures after its import.
 * Bounded, oldest first out.
 */
const CACHE_MS = 60_000;
const CACHE_ENTRIES = 500;
const cache = new Map<string, { at: Date; figures: Promise<BusinessFigures> }>();

/** The figures and when they were read (the page says "as of"). */
export async function cachedBusinessFigures(
  db: Db,
  shop: string,
  options: { period: Period; timeZone: string; currency: string; now: Date; version?: Date | null },
): Promise<{ figures: BusinessFigures; at: Date }> {
  const { period, timeZone, currency, now } = options;
  const key = [shop, period.days, period.to, timeZone, currency, options.version?.getTime() ?? 0].join("|");
  const hit = cache.get(key);
  const age = hit ? now.getTime() - hit.at.getTime() : Infinity;
  if (hit && age >= 0 && age < CACHE_MS) return { figures: await hit.figures, at: hit.at };
  const figures = loadBusinessFigures(db, shop, { period, timeZone, currency });
  cache.delete(key);
  cache.set(key, { at: now, figures });
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  try {
    return { figures: await figures, at: now };
  } catch (error) {
    cache.delete(key); // a failed read is not remembered
    throw error;
  }
}

/** Forgets every remembered figure (tests that change a shop's orders between loads). */
export function forgetBusinessFigures(): void {
  cache.clear();
}

/** Every figure above for one shop and period, in the shop's zone and currency. */
export async function loadBusinessFigures(
  db: Db,
  shop: string,
  options: { period: Period; timeZone: string; currency: string },
): Promise<BusinessFigures> {
  const { period, timeZone, currency } = options;
  const [{ revenueByDay, ...groups }, rewards] = await Promise.all([
    orderFigures(db, shop, currency, period, timeZone),
    rewardFigures(db, shop, period, timeZone),
  ]);
  const sum = (key: "costMinor" | "costPreviousMinor") => rewards.reduce((t, r) => t + r[key], 0);
  return {
    ...groups,
    rewardCost: { currentMinor: sum("costMinor"), previousMinor: sum("costPreviousMinor") },
    rewards,
    revenueByDay,
  };
}
