import type { PrismaClient } from "~/db.server";
import { ORDER_NET_REVENUE_SQL } from "./metrics";
import { MEMBER_JOINED_AT_SQL } from "./running.server";
import { minimumDetectableEffect, type Mde, type PlanInput } from "./stats/power";

// The shop's own traffic and variance, for the power and minimum-detectable-effect
// calculator (the create flow) and the precision a holdout share buys. Exposure is at
// assignment (ADR 0020, amended): the whole audience present at launch is exposed at once,
// and every member who joins later is exposed at their join, whether they buy or not. So
// the plan reads, from the shop's recent history:
// - the audience at `asOf` (members not deleted who had joined by then): the launch cohort;
// - members joining per day over the last `joinWindowDays`: the daily new exposures;
// - the per-member mean and variance of net revenue (after refunds) over the last `days`
//   (the planned horizon), across ALL those members, zeros included, each counted from
//   max(window start, their join) as the analysis counts them from their exposure.

export interface ShopBaseline {
  /** Net revenue per member over the horizon (minor units), zeros included: mean and variance. */
  baselineMean: number;
  baselineVariance: number;
  /** Members joining a day over the join window: new exposures a day. */
  dailyExposed: number;
  /** The audience at `asOf`: members exposed at launch. */
  initialExposed: number;
  /** The horizon the mean and variance are measured over (days). */
  days: number;
}

const BASELINE_SQL = `
  WITH m AS (
    SELECT m."customerId", ${MEMBER_JOINED_AT_SQL} AS joined FROM "Member" m
    WHERE m."shop" = $1 AND m."status" <> 'deleted'),
  audience AS (SELECT * FROM m WHERE joined < $2::timestamp(3)),
  rev AS (
    SELECT o."customerId", o."placedAt", o.net FROM (${ORDER_NET_REVENUE_SQL}) o
    WHERE o."placedAt" >= $2::timestamp(3) - make_interval(days => $3::int) AND o."placedAt" < $2::timestamp(3)),
  per AS (
    SELECT a."customerId", COALESCE(sum(r.net) FILTER (WHERE r."placedAt" >= a.joined), 0)::float8 AS v
    FROM audience a LEFT JOIN rev r ON r."customerId" = a."customerId"
    GROUP BY a."customerId")
  SELECT (SELECT count(*) FROM per)::float8 AS n,
         (SELECT COALESCE(sum(v), 0) FROM per)::float8 AS s,
         (SELECT COALESCE(sum(v * v), 0) FROM per)::float8 AS ss,
         (SELECT count(*) FROM audience
          WHERE joined >= $2::timestamp(3) - make_interval(days => $4::int))::float8 AS joined`;

export async function shopBaseline(
  db: PrismaClient,
  shop: string,
  options: { days?: number; joinWindowDays?: number; asOf?: Date } = {},
): Promise<ShopBaseline> {
  const days = options.days ?? 90;
  const joinWindowDays = options.joinWindowDays ?? 28;
  const asOf = options.asOf ?? new Date();
  const [row] = await db.$queryRawUnsafe<{ n: number; s: number; ss: number; joined: number }[]>(
    BASELINE_SQL,
    shop,
    asOf.toISOString(),
    days,
    joinWindowDays,
  );
  const n = row?.n ?? 0;
  const mean = n ? row!.s / n : 0;
  const variance = n > 1 ? (row!.ss - n * mean * mean) / (n - 1) : 0;
  return {
    baselineMean: mean,
    baselineVariance: Math.max(0, variance),
    dailyExposed: (row?.joined ?? 0) / joinWindowDays,
    initialExposed: n,
    days,
  };
}

/** The smallest relative lift in net revenue a holdout of `sharePercent` detects within `days` (80% power). */
export function holdoutPrecision(baseline: ShopBaseline, sharePercent: number, days: number): Mde {
  const plan: PlanInput = {
    baselineMean: baseline.baselineMean,
    baselineVariance: baseline.baselineVariance,
    dailyExposed: baseline.dailyExposed,
    initialExposed: baseline.initialExposed,
    weights: [sharePercent, 100 - sharePercent],
    method: "sequential",
  };
  return minimumDetectableEffect(plan, days);
}
