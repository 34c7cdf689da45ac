// The demo shop's experiments: a running program holdout and one earn-rate experiment that
// started `DEMO_EXPERIMENT_DAYS` before the end of history, created through the app's
// experiments service as the simulator (so the pages say their numbers are simulated), and
// the exposures the app records on each member's first order after launch, written for the
// history the backfill imported (its replay credits orders but records no exposures).
import type { PrismaClient } from "../app/db.server";
import { createExperiment, startHoldout } from "../app/experiments/experiments.server";
import { launchExperiment } from "../app/experiments/lifecycle.server";
import { assigner, runningExperiments } from "../app/experiments/running.server";
import { SIMULATOR_STAFF_ID } from "../app/experiments/simulated";
import { DAY_MS } from "./model/calendar";

export const DEMO_EXPERIMENT_DAYS = 60;
export const DEMO_HOLDOUT_PERCENT = 10;
/** The covariate window before exposure (CUPED): net revenue in the 90 days before. */
const COVARIATE_DAYS = 90;

function orThrow<T>(
  what: string,
  outcome: { ok: true; value: T } | { ok: false; message: string; fieldErrors: object },
): T {
  if (!outcome.ok) throw new Error(`${what}: ${outcome.message} ${JSON.stringify(outcome.fieldErrors)}`);
  return outcome.value;
}

/** Starts the holdout and launches "double points" against the live earn rate, both `days` before `now`. */
export async function startDemoExperiments(
  db: PrismaClient,
  shop: string,
  pointsPerCurrencyUnit: number,
  now: Date,
  days = DEMO_EXPERIMENT_DAYS,
): Promise<{ launchedAt: Date }> {
  const launchedAt = new Date(now.getTime() - days * DAY_MS);
  const options = { staffId: SIMULATOR_STAFF_ID, now: launchedAt };
  orThrow("startHoldout", await startHoldout(db, shop, { sharePercent: DEMO_HOLDOUT_PERCENT }, options));
  const created = orThrow(
    "createExperiment",
    await createExperiment(
      db,
      shop,
      {
        key: "double-points",
        name: "Double points",
        hypothesis: "Doubling the earn rate brings members back sooner and pays for its reward cost.",
        lever: "earnRate",
        primaryMetric: "netRevenue",
        secondaryMetrics: ["orders", "conversion", "aov", "rewardCost"],
        guardrails: [{ metric: "netMargin", threshold: 0.05 }],
        variants: [
          { key: "control", name: `${pointsPerCurrencyUnit} point per $1`, weight: 50, control: true },
          {
            key: "double",
            name: `${2 * pointsPerCurrencyUnit} points per $1`,
            weight: 50,
            override: { earning: { pointsPerCurrencyUnit: 2 * pointsPerCurrencyUnit } },
          },
        ],
      },
      SIMULATOR_STAFF_ID,
    ),
  );
  orThrow("launchExperiment", await launchExperiment(db, shop, created.id, options));
  return { launchedAt };
}

/**
 * One exposure per member and running experiment at their first order on or after its
 * launch, with the arm the app's assignment gives them (the holdout's arms included) and
 * their net revenue in the 90 days before. Returns the exposures written per variant.
 */
export async function recordHistoryExposures(
  db: PrismaClient,
  shop: string,
  now: Date,
): Promise<Record<string, number>> {
  const set = await runningExperiments(shop);
  const of = assigner(shop, set, now);
  const counts: Record<string, number> = {};
  for (const experiment of set.experiments) {
    const row = await db.experiment.findUniqueOrThrow({ where: { id: experiment.id } });
    const launchedAt = row.launchedAt ?? now;
    const firsts = await db.$queryRaw<{ customerId: bigint; exposedAt: Date; covariate: number }[]>`
      WITH firsts AS (
        SELECT DISTINCT ON ("customerId") "customerId", "processedAt" AS "exposedAt"
        FROM "Order"
        WHERE shop = ${shop} AND "customerId" IS NOT NULL AND "processedAt" >= ${launchedAt}
          AND "cancelledAt" IS NULL AND NOT test
        ORDER BY "customerId", "processedAt")
      SELECT f."customerId", f."exposedAt",
        COALESCE((SELECT SUM(o."subtotalMinor" - o."totalDiscountsMinor") FROM "Order" o
          WHERE o.shop = ${shop} AND o."customerId" = f."customerId" AND o."cancelledAt" IS NULL
            AND o."processedAt" >= f."exposedAt" - make_interval(days => ${COVARIATE_DAYS})
            AND o."processedAt" < f."exposedAt"), 0)::float8 / 100 AS covariate
      FROM firsts f`;
    const rows = firsts.flatMap((f) => {
      const arm = of(f.customerId).arms.find((a) => a.experimentId === experiment.id);
      if (!arm) return [];
      const variantKey = arm.variantKey.slice(experiment.key.length + 1);
      counts[arm.variantKey] = (counts[arm.variantKey] ?? 0) + 1;
      return [
        {
          shop,
          experimentId: experiment.id,
          customerId: f.customerId,
          variantKey,
          exposedAt: f.exposedAt,
          trigger: "firstOrder",
          covariate: f.covariate,
        },
      ];
    });
    for (let i = 0; i < rows.length; i += 5_000)
      await db.experimentExposure.createMany({ data: rows.slice(i, i + 5_000), skipDuplicates: true });
  }
  return counts;
}
