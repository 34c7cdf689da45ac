import type { PrismaClient } from "~/db.server";
import { ORDER_NET_REVENUE_SQL } from "~/experiments/metrics";
import { shopBaseline } from "~/experiments/planning.server";
import type { ShopTraffic } from "./plan";

// The shop's own traffic and variance for the power calculator: the experiments domain's
// baseline (planning.server.ts: customers ordering per day over the window, their net
// revenue's mean and variance) over the last TRAFFIC_DAYS days, and the typical order the
// earning preview shows (the window's mean order value, by the domain's definition of an
// order's net revenue).

export const TRAFFIC_DAYS = 28;
const DAY_MS = 86_400_000;

export async function shopTraffic(db: PrismaClient, shop: string, now: Date): Promise<ShopTraffic> {
  const since = new Date(now.getTime() - TRAFFIC_DAYS * DAY_MS);
  const [baseline, [order]] = await Promise.all([
    shopBaseline(db, shop, { days: TRAFFIC_DAYS, asOf: now }),
    db.$queryRawUnsafe<{ mean: number | null }[]>(
      `SELECT AVG(net)::float8 AS mean FROM (${ORDER_NET_REVENUE_SQL}) o WHERE o."placedAt" >= $2 AND o."placedAt" < $3`,
      shop,
      since,
      now,
    ),
  ]);
  return {
    days: TRAFFIC_DAYS,
    orderingCustomers: Math.round(baseline.dailyExposed * baseline.days),
    dailyExposed: baseline.dailyExposed,
    meanMinor: baseline.baselineMean,
    varianceMinor: baseline.baselineVariance,
    typicalOrderMinor: Math.round(order?.mean ?? 0),
  };
}
