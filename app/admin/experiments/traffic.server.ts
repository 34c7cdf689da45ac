import type { PrismaClient } from "~/db.server";
import type { ShopTraffic } from "./plan";

// The shop's own traffic and variance for the power calculator, from the order mirror over
// the last TRAFFIC_DAYS days: exposure is triggered by a member's first order after
// assignment, so members exposed per day ≈ distinct members ordering per day, and the
// primary metric's baseline is net revenue (order total minus refunds) per ordering member.
// Cancelled and test orders are left out; every query is scoped by shop.

export const TRAFFIC_DAYS = 28;
const DAY_MS = 86_400_000;

export async function shopTraffic(db: PrismaClient, shop: string, now: Date): Promise<ShopTraffic> {
  const since = new Date(now.getTime() - TRAFFIC_DAYS * DAY_MS);
  const [row] = await db.$queryRaw<
    { members: number; mean: number | null; variance: number | null; orderMean: number | null }[]
  >`
    WITH orders AS (
      SELECT o."customerId", o."totalMinor" - COALESCE(
               (SELECT SUM(r."totalMinor") FROM "Refund" r WHERE r.shop = o.shop AND r."orderId" = o.id), 0
             ) AS net
      FROM "Order" o
      JOIN "Member" m ON m.shop = o.shop AND m."customerId" = o."customerId"
      WHERE o.shop = ${shop}
        AND o."cancelledAt" IS NULL AND NOT o.test
        AND COALESCE(o."processedAt", o."shopifyCreatedAt", o."syncedAt") >= ${since}
        AND COALESCE(o."processedAt", o."shopifyCreatedAt", o."syncedAt") < ${now}
    ), per AS (
      SELECT "customerId", SUM(net) AS net FROM orders GROUP BY 1
    )
    SELECT (SELECT COUNT(*) FROM per)::int AS members,
           (SELECT AVG(net) FROM per)::float8 AS mean,
           (SELECT VAR_SAMP(net) FROM per)::float8 AS variance,
           (SELECT AVG(net) FROM orders)::float8 AS "orderMean"`;
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
