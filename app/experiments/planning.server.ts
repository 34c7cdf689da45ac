import type { PrismaClient } from "~/db.server";
import { COUNTED_ORDER_SQL, PLACED_AT_SQL } from "./metrics";
import { minimumDetectableEffect, type Mde, type PlanInput } from "./stats/power";

// The shop's own traffic and variance, for the power and minimum-detectable-effect
// calculator (the create flow) and the precision a holdout share buys. Read from the
// mirror: the customers who ordered in the last `days`, their net revenue over that
// window, and how many of them a day would be exposed (by their first order in it).

export interface ShopBaseline {
  /** Net revenue per buying customer over the window (minor units): mean and variance. */
  baselineMean: number;
  baselineVariance: number;
  /** Customers a day placing their first order of the window: the exposure rate. */
  dailyExposed: number;
  days: number;
}

export async function shopBaseline(
  db: PrismaClient,
  shop: string,
  options: { days?: number; asOf?: Date } = {},
): Promise<ShopBaseline> {
  const days = options.days ?? 90;
  const asOf = options.asOf ?? new Date();
  const [row] = await db.$queryRawUnsafe<{ n: number; s: number; ss: number }[]>(
    `SELECT count(*)::float8 AS n, COALESCE(sum(net), 0)::float8 AS s, COALESCE(sum(net * net), 0)::float8 AS ss
     FROM (SELECT o."customerId", sum(o."totalMinor")::float8 AS net
           FROM "Order" o
           WHERE o."shop" = $1 AND o."customerId" IS NOT NULL AND ${COUNTED_ORDER_SQL}
             AND ${PLACED_AT_SQL} >= $2::timestamp(3) - make_interval(days => $3::int) AND ${PLACED_AT_SQL} < $2::timestamp(3)
           GROUP BY o."customerId") c`,
    shop,
    asOf.toISOString(),
    days,
  );
  const n = row?.n ?? 0;
  const mean = n ? row!.s / n : 0;
  const variance = n > 1 ? (row!.ss - n * mean * mean) / (n - 1) : 0;
  return { baselineMean: mean, baselineVariance: Math.max(0, variance), dailyExposed: n / days, days };
}

/** The smallest relative lift in net revenue a holdout of `sharePercent` detects within `days` (80% power). */
export function holdoutPrecision(baseline: ShopBaseline, sharePercent: number, days: number): Mde {
  const plan: PlanInput = {
    baselineMean: baseline.baselineMean,
    baselineVariance: baseline.baselineVariance,
    dailyExposed: baseline.dailyExposed,
    weights: [sharePercent, 100 - sharePercent],
    method: "sequential",
  };
  return minimumDetectableEffect(plan, days);
}
