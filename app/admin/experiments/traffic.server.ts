import type { PrismaClient } from "~/db.server";
import { ORDER_NET_REVENUE_SQL } from "~/experiments/metrics";
import type { ShopTraffic } from "./plan";

// The shop's own traffic and variance for the power calculator, from the order mirror over
// the last TRAFFIC_DAYS days: exposure is triggered by a member's first order after
// assignment, so members exposed per day ≈ distinct members ordering per day, and the
// baseline is net revenue per ordering member, by the experiments' own definition of an
// order's net revenue (metrics.ts: paid, not test or cancelled, minus refunds).

export const TRAFFIC_DAYS = 28;
const DAY_MS = 86_400_000;

export async function shopTraffic(db: PrismaClient, shop: string, now: Date): Promise<ShopTraffic> {
  const since = new Date(now.getTime() - TRAFFIC_DAYS * DAY_MS);
  const [row] = await db.$queryRawUnsafe<
    { members: number; mean: number | null; variance: number | null; orderMean: number | null }[]
  >(
    `WITH o AS (${ORDER_NET_REVENUE_SQL}),
     w AS (
       SELECT o."customerId", o.net FROM o
       JOIN "Member" m ON m.shop = $1 AND m."customerId" = o."customerId"
       WHERE o."placedAt" >= $2 AND o."placedAt" < $3
     ),
     per AS (SELECT "customerId", SUM(net) AS net FROM w GROUP BY 1)
     SELECT (SELECT COUNT(*) FROM per)::int AS members,
            (SELECT AVG(net) FROM per)::float8 AS mean,
            (SELECT VAR_SAMP(net) FROM per)::float8 AS variance,
            (SELECT AVG(net) FROM w)::float8 AS "orderMean"`,
    shop,
    since,
    now,
  );
  const members = row?.members ?? 0;
  return {
    days: TRAFFIC_DAYS,
    orderingMembers: members,
    dailyExposed: members / TRAFFIC_DAYS,
    meanMinor: row?.mean ?? 0,
    varianceMinor: row?.variance ?? 0,
    typicalOrderMinor: Math.round(row?.orderMean ?? 0),
  };
}
