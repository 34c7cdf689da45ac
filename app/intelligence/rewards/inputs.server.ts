import type { PrismaClient } from "~/db.server";
import { COUNTED_ORDER_SQL, PLACED_AT_SQL } from "~/experiments/metrics";
import type { RewardMember } from "./features";

// The reward model's inputs for one shop in one set-based query: a row per active member with
// their events as arrays (a row per member, not per event, keeps the read fast at 100k members):
// - orders: counted orders in the shop's currency placed before `asOf`, day and subtotal;
// - points: the available-bucket ledger (spendable changes) since `from`, with the balance
//   before `from` as one opening entry (features look back at most a year before the earliest cutoff);
// - pending: pending-bucket credits known before `asOf` that become spendable after `from`;
// - redemptions: issued, used or expired ones (failed ones gave the points back), day and reward.
// Lists are in no particular order (the model does not need one). Times are whole minutes,
// turned into epoch days;
// subtotals major units. Also the shop's median order subtotal over the
// last year (the basket of a member without orders) and its average shipping charged.

export const DAY_MS = 86_400_000;

const MEMBERS_SQL = `
  WITH m AS (
    SELECT "customerId" AS c FROM "Member" WHERE "shop" = $1 AND "status" = 'active'
  ), o AS (
    SELECT o."customerId" AS c,
           string_agg(floor(date_part('epoch', ${PLACED_AT_SQL}) / 60)::bigint::text, ',') AS days,
           string_agg(o."subtotalMinor"::text, ',') AS subtotals
    FROM "Order" o
    WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL}
      AND o."currencyCode" = $2 AND ${PLACED_AT_SQL} < $3::timestamp
    GROUP BY o."customerId"
  ), a AS (
    SELECT "customerId" AS c,
           COALESCE(sum("points") FILTER (WHERE "occurredAt" < $4::timestamp), 0)::float8 AS opening,
           string_agg(floor(date_part('epoch', "occurredAt") / 60)::bigint::text, ',') FILTER (WHERE "occurredAt" >= $4::timestamp) AS days,
           string_agg("points"::text, ',') FILTER (WHERE "occurredAt" >= $4::timestamp) AS deltas
    FROM "LedgerEntry"
    WHERE "shop" = $1 AND "bucket" = 'available' AND "occurredAt" < $3::timestamp
    GROUP BY "customerId"
  ), p AS (
    SELECT "customerId" AS c,
           string_agg(floor(date_part('epoch', "occurredAt") / 60)::bigint::text, ',') AS since,
           string_agg(floor(date_part('epoch', "availableAt") / 60)::bigint::text, ',') AS days,
           string_agg("points"::text, ',') AS points
    FROM "LedgerEntry"
    WHERE "shop" = $1 AND "bucket" = 'pending' AND "points" > 0 AND "availableAt" IS NOT NULL
      AND "occurredAt" < $3::timestamp AND "availableAt" >= $4::timestamp
    GROUP BY "customerId"
  ), r AS (
    SELECT "customerId" AS c,
           string_agg(floor(date_part('epoch', "createdAt") / 60)::bigint::text, ',') AS days,
           array_agg("rewardId") AS rewards
    FROM "Redemption"
    WHERE "shop" = $1 AND "status" IN ('issued', 'used', 'expired') AND "createdAt" < $3::timestamp
    GROUP BY "customerId"
  )
  SELECT m.c::text AS id, o.days AS "orderDays", o.subtotals, a.opening, a.days AS "pointDays", a.deltas,
         p.since AS "pendingSince", p.days AS "pendingDays", p.points AS "pendingPoints",
         r.days AS "redemptionDays", r.rewards
  FROM m LEFT JOIN o USING (c) LEFT JOIN a USING (c) LEFT JOIN p USING (c) LEFT JOIN r USING (c)`;

const SHOP_SQL = `
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY o."subtotalMinor")::float8 AS median,
         avg(o."totalShippingMinor")::float8 AS shipping
  FROM "Order" o
  WHERE o."shop" = $1 AND ${COUNTED_ORDER_SQL} AND o."currencyCode" = $2
    AND ${PLACED_AT_SQL} < $3::timestamp AND ${PLACED_AT_SQL} >= $3::timestamp - interval '365 days'`;

// Number lists travel as comma-separated text: the driver parses one string per list far
// faster than an array of numbers (measured at 85,000 members).
type Row = {
  id: string;
  orderDays: string | null;
  subtotals: string | null;
  opening: number | null;
  pointDays: string | null;
  deltas: string | null;
  pendingSince: string | null;
  pendingDays: string | null;
  pendingPoints: string | null;
  redemptionDays: string | null;
  rewards: string[] | null;
};

const numbers = (list: string | null): number[] => (list ? list.split(",").map(Number) : []);
/** Times travel as whole minutes since the epoch (shorter to format and parse than float days). */
const days = (list: string | null): number[] => numbers(list).map((minutes) => minutes / 1440);

export type RewardInputs = {
  members: RewardMember[];
  /** Major units; null without orders in the last year. */
  shopMedianOrder: number | null;
  averageShippingMinor: number;
};

/** Every active member's events as of `asOf`, looking back to `from` for points (see above). */
export async function loadRewardInputs(
  db: PrismaClient,
  shop: string,
  currencyCode: string,
  asOf: Date,
  from: Date,
  perMajor: number,
): Promise<RewardInputs> {
  // Each list is aggregated once and hash-joined to the members. Without statistics (a shop
  // just imported, before autovacuum analyses the tables) the planner expects one row per
  // aggregate and nests the loops, re-aggregating per member: minutes at a few thousand members.
  const rows = await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL enable_nestloop = off");
      return tx.$queryRawUnsafe<Row[]>(MEMBERS_SQL, shop, currencyCode, asOf, from);
    },
    { timeout: 300_000, maxWait: 60_000 },
  );
  const economics = await db.$queryRawUnsafe<{ median: number | null; shipping: number | null }[]>(
    SHOP_SQL,
    shop,
    currencyCode,
    asOf,
  );
  const fromDay = from.getTime() / DAY_MS;
  const members = rows.map((r): RewardMember => {
    const orderDays = days(r.orderDays);
    const subtotals = numbers(r.subtotals);
    const pointDays = days(r.pointDays);
    const deltas = numbers(r.deltas);
    const points = [{ day: fromDay - 1e-6, delta: r.opening ?? 0 }];
    for (let i = 0; i < pointDays.length; i++) points.push({ day: pointDays[i]!, delta: deltas[i]! });
    const since = days(r.pendingSince);
    const pendingDays = days(r.pendingDays);
    const pendingPoints = numbers(r.pendingPoints);
    const redemptionDays = days(r.redemptionDays);
    const rewards = r.rewards ?? [];
    return {
      id: r.id,
      orders: orderDays.map((day, i) => ({ day, subtotal: subtotals[i]! / perMajor })),
      points,
      pending: since.map((s, i) => ({ since: s, day: pendingDays[i]!, points: pendingPoints[i]! })),
      redemptions: redemptionDays.map((day, i) => ({ day, rewardId: rewards[i]! })),
    };
  });
  const shopRow = economics[0];
  return {
    members,
    shopMedianOrder: shopRow?.median == null ? null : shopRow.median / perMajor,
    averageShippingMinor: shopRow?.shipping ?? 0,
  };
}
