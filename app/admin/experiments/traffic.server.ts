import type { PrismaClient } from "~/db.server";
import { ORDER_NET_REVENUE_SQL } from "~/experiments/metrics";
import { shopBaseline } from "~/experiments/planning.server";
import { PLAN_DAYS, type ShopTraffic } from "./plan";

// The shop's own traffic and variance for the power calculator, by the experiments domain's
// baseline (planning.server.ts; exposure at assignment): the members now, the members joining
// a day over the last JOIN_DAYS days, and for each planned horizon the per-member net
// revenue's mean and variance over that many past days, across all members, zeros included.
// Also the typical order the earning preview shows (the last JOIN_DAYS days' mean order
// value, by the domain's definition of an order's net revenue).

export const JOIN_DAYS = 28;
const DAY_MS = 86_400_000;

export async function shopTraffic(db: PrismaClient, shop: string, now: Date): Promise<ShopTraffic> {
  const since = new Date(now.getTime() - JOIN_DAYS * DAY_MS);
  const [baselines, [order]] = await Promise.all([
    Promise.all(
      PLAN_DAYS.map((days) => shopBaseline(db, shop, { days, joinWindowDays: JOIN_DAYS, asOf: now })),
    ),
    db.$queryRawUnsafe<{ mean: number | null }[]>(
      `SELECT AVG(net)::float8 AS mean FROM (${ORDER_NET_REVENUE_SQL}) o WHERE o."placedAt" >= $2 AND o."placedAt" < $3`,
      shop,
      since,
      now,
    ),
  ]);
  return {
    members: baselines[0]!.initialExposed,
    joinDays: JOIN_DAYS,
    dailyJoined: baselines[0]!.dailyExposed,
    horizons: baselines.map((b) => ({
      days: b.days,
      meanMinor: b.baselineMean,
      varianceMinor: b.baselineVariance,
    })),
    typicalOrderMinor: Math.round(order?.mean ?? 0),
  };
}
