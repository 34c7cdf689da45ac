import type { Prisma, PrismaClient } from "~/db.server";
import { NO_SURROGATE, requireSurrogateChanges, type SurrogateChanges } from "./long-term.server";
import {
  COUNTED_ORDER_SQL,
  METRICS,
  needsSurrogate,
  PLACED_AT_SQL,
  sufficientStatisticsSql,
  type MetricDefinition,
} from "./metrics";

// The metrics' aggregation in PostgreSQL: one statement reduces every exposed member of an
// experiment to sufficient statistics per variant and exposure day (metrics.ts defines
// what each metric sums). Members count from their exposure on, up to `asOf`.

type Db = PrismaClient | Prisma.TransactionClient;

/** One row per variant and exposure day: `n`, the covariate's sums, and each metric's sums by alias. */
export type StatsRow = { variant: string; day: Date } & Record<string, number>;

/**
 * The per-member facts (metrics.ts `MemberFact`) of an experiment's exposed members.
 * Parameters: $1 shop, $2 experiment id, $3 as-of instant, $4 gross margin share, $5 and $6
 * the lifetime-value surrogate (long-term.server.ts `SurrogateChanges`: customer ids, changes;
 * empty arrays when no metric reads `dclv`).
 */
export const MEMBER_FACTS_SQL = `
  WITH x AS (
    SELECT "customerId", "variantKey", "exposedAt", "covariate", "context"
    FROM "ExperimentExposure"
    WHERE "shop" = $1 AND "experimentId" = $2::uuid AND "exposedAt" < $3
  ),
  rf AS (
    SELECT "orderId", sum("totalMinor") AS refunded FROM "Refund" WHERE "shop" = $1 GROUP BY "orderId"
  ),
  o AS (
    SELECT x."customerId", count(*) AS ord, sum(o."totalMinor" - COALESCE(rf.refunded, 0)) AS rev,
           count(*) FILTER (WHERE ${PLACED_AT_SQL} < x."exposedAt" + interval '60 days') AS ord60
    FROM x JOIN "Order" o ON o."shop" = $1 AND o."customerId" = x."customerId"
    LEFT JOIN rf ON rf."orderId" = o."id"
    WHERE ${COUNTED_ORDER_SQL} AND ${PLACED_AT_SQL} >= x."exposedAt" AND ${PLACED_AT_SQL} < $3
    GROUP BY x."customerId"
  ),
  rd AS (
    SELECT x."customerId", count(*) AS red,
           sum(CASE WHEN r."status" = 'used'
                    THEN COALESCE((r."reward"->'value'->'amount'->>'amountMinor')::float8,
                                  -- A percentage reward: what the order it was used on was discounted.
                                  (SELECT u."totalDiscountsMinor"::float8 FROM "Order" u
                                   WHERE u."shop" = $1 AND u."id" = r."usedOrderId"), 0)
                    ELSE 0 END) AS cost
    FROM x JOIN "Redemption" r
      ON r."shop" = $1 AND r."customerId" = x."customerId" AND r."createdAt" >= x."exposedAt"
         AND r."createdAt" < $3 AND r."status" <> 'failed' AND r."returnedAt" IS NULL
    GROUP BY x."customerId"
  ),
  l AS (
    SELECT x."customerId", sum(e."points") AS pts
    FROM x JOIN "LedgerEntry" e
      ON e."shop" = $1 AND e."customerId" = x."customerId" AND e."occurredAt" >= x."exposedAt"
         AND e."occurredAt" < $3 AND e."kind" <> 'release'
    GROUP BY x."customerId"
  ),
  lt AS (
    SELECT * FROM unnest($5::bigint[], $6::float8[]) AS lt("customerId", dclv)
  ),
  m AS (
    SELECT x."variantKey" AS variant, date_trunc('day', x."exposedAt") AS day, x."exposedAt" AS at, x."covariate" AS cov,
           x."context" AS context,
           COALESCE(o.rev, 0)::float8 AS rev, COALESCE(o.ord, 0)::float8 AS ord,
           COALESCE(o.ord60, 0)::float8 AS ord60, COALESCE(rd.cost, 0)::float8 AS cost,
           COALESCE(rd.red, 0)::float8 AS red, COALESCE(l.pts, 0)::float8 AS pts, $4::float8 AS gm,
           -- No row: no purchase before the as-of instant, a predicted value of 0 then and now.
           COALESCE(lt.dclv, 0)::float8 AS dclv
    FROM x LEFT JOIN o USING ("customerId") LEFT JOIN rd USING ("customerId") LEFT JOIN l USING ("customerId")
         LEFT JOIN lt USING ("customerId")
  )`;

/** Every metric read from the order tables alone (all but `longTermValue`, which needs the lifetime-value model). */
export const DIRECT_METRICS: readonly MetricDefinition[] = Object.values(METRICS).filter(
  (m) => !needsSurrogate([m]),
);

export function aggregationSql(metrics: readonly MetricDefinition[]): string {
  return `${MEMBER_FACTS_SQL}
  SELECT variant, day, ${sufficientStatisticsSql(metrics)}
  FROM m GROUP BY variant, day ORDER BY variant, day`;
}

/**
 * Runs the aggregation for `metrics` (by default all but the long-term value). With `longTermValue` among
 * them it needs the lifetime-value surrogate: given, or loaded here (throws
 * `LongTermValueUnavailable` when the shop has no usable lifetime-value model).
 */
export async function aggregateExperiment(
  db: Db,
  shop: string,
  experimentId: string,
  asOf: Date,
  grossMarginBps: number,
  metrics: readonly MetricDefinition[] = DIRECT_METRICS,
  surrogate?: SurrogateChanges,
): Promise<StatsRow[]> {
  const sql = aggregationSql(metrics);
  const lt = needsSurrogate(metrics)
    ? (surrogate ?? (await requireSurrogateChanges(db, shop, experimentId, asOf)))
    : NO_SURROGATE;
  const run = (tx: Db) =>
    tx.$queryRawUnsafe<StatsRow[]>(
      sql,
      shop,
      experimentId,
      asOf,
      grossMarginBps / 10_000,
      lt.customerIds,
      lt.changes,
    );
  if (!("$transaction" in db)) return run(db);
  // Per-member hash aggregates of a large experiment spill to disk at the default work_mem,
  // and JIT compiling its ~40 sums cost more than it saved (2.2 s vs 4.3 s for 300,000
  // members on this host).
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL work_mem = '${AGGREGATION_WORK_MEM}'`);
      await tx.$executeRawUnsafe(`SET LOCAL jit = off`);
      return run(tx);
    },
    { timeout: AGGREGATION_TIMEOUT_MS, maxWait: 10_000 },
  );
}

const AGGREGATION_WORK_MEM = "256MB";
/** A report of a million members reads for seconds; the interactive transaction's default is 5 s. */
const AGGREGATION_TIMEOUT_MS = 120_000;
