import type { PrismaClient } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { qualifiedKey } from "./assignment";
import { banditReport, type BanditReport } from "./bandit.server";
import { getExperiment, type ExperimentWithVariants } from "./experiments.server";
import { incrementalValue, type IncrementalValue } from "./incremental-value";
import { METRICS } from "./metrics";
import { aggregateExperiment } from "./metrics.server";
import type { MetricKey } from "./metric-keys";
import { metricArms, metricInputs, sumsByVariant } from "./report";
import {
  analyseExperiment,
  cumulativeSeries,
  type ExperimentAnalysis,
  type SeriesPoint,
} from "./stats/analysis";

// What the report page and the dashboard's incremental-value card show: the SQL aggregation
// (metrics.server.ts) analysed by the pure statistics (stats/). Sequential intervals, so a
// merchant may look every day.

const DAY_MS = 86_400_000;

export interface ExperimentReport {
  experiment: ExperimentWithVariants;
  asOf: Date;
  daysRunning: number;
  /** Control first, as the analysis lists arms. */
  variants: { key: string; name: string; weight: number; control: boolean; exposed: number }[];
  analysis: ExperimentAnalysis;
  /** The primary metric's cumulative lift by exposure day (the chart). */
  series: { days: Date[]; points: SeriesPoint[] };
  grossMarginPercent: number;
  metrics: { key: MetricKey; name: string; higherIsBetter: boolean; unit: string }[];
  /** A bandit's allocation history and expected shares (null for a fixed split). */
  bandit: BanditReport | null;
}

function arms(experiment: ExperimentWithVariants) {
  return [...experiment.variants].sort(
    (a, b) => Number(b.control) - Number(a.control) || a.position - b.position,
  );
}

function daysRunning(e: ExperimentWithVariants, asOf: Date) {
  const end = e.stoppedAt && e.stoppedAt < asOf ? e.stoppedAt : asOf;
  return e.launchedAt ? Math.max(0, Math.floor((end.getTime() - e.launchedAt.getTime()) / DAY_MS)) : 0;
}

/** The report of one experiment (or the holdout) as of `asOf`; null when it is not the shop's. */
export async function experimentReport(
  db: PrismaClient,
  shop: string,
  experimentId: string,
  options: { asOf?: Date } = {},
): Promise<ExperimentReport | null> {
  const experiment = await getExperiment(db, shop, experimentId);
  if (!experiment) return null;
  const asOf = options.asOf ?? new Date();
  const ordered = arms(experiment);
  const keys = ordered.map((v) => qualifiedKey(experiment.key, v.key));
  const rows = await aggregateExperiment(db, shop, experiment.id, asOf, experiment.grossMarginBps);
  const { total, cumulative } = sumsByVariant(rows, keys);
  const bandit = await banditReport(
    db,
    shop,
    experiment,
    ordered.map((v) => v.key),
    asOf,
  );
  const plan = {
    primary: experiment.primaryMetric as MetricKey | null,
    secondary: experiment.secondaryMetrics as MetricKey[],
    guardrails: experiment.guardrails as { metric: MetricKey; threshold: number }[],
  };
  const options_ = { method: "sequential" as const };
  const analysis = analyseExperiment(
    {
      variants: ordered.map((v) => v.key),
      // A bandit's arms are checked against the shares its allocations gave them.
      weights: bandit
        ? ordered.map((v) => bandit.expectedShares[v.key]! * 100)
        : ordered.map((v) => v.weight),
      exposed: total.map((s) => s.n ?? 0),
      metrics: metricInputs(plan, total),
      reachedPlannedEnd:
        experiment.status === "stopped" ||
        experiment.status === "shipped" ||
        (!!experiment.endsAt && asOf >= experiment.endsAt),
    },
    options_,
  );
  const primary = plan.primary ? METRICS[plan.primary] : null;
  const points = primary
    ? cumulativeSeries(
        cumulative.map((c) => metricArms(primary, c.sums)),
        ordered.map((v) => v.key),
        options_,
      )
    : [];
  return {
    experiment,
    asOf,
    daysRunning: daysRunning(experiment, asOf),
    variants: ordered.map((v, i) => ({
      key: v.key,
      name: v.name,
      weight: v.weight,
      control: v.control,
      exposed: total[i]?.n ?? 0,
    })),
    analysis,
    series: { days: cumulative.map((c) => c.day), points },
    grossMarginPercent: experiment.grossMarginBps / 100,
    metrics: Object.values(METRICS).map((m) => ({
      key: m.key,
      name: m.name,
      higherIsBetter: m.higherIsBetter,
      unit: m.unit,
    })),
    bandit,
  };
}

export interface HoldoutReport extends IncrementalValue {
  holdoutId: string;
  status: string;
  sharePercent: number;
  grossMarginPercent: number;
  days: number;
}

/** The incremental-value card: the running holdout, else the latest one; null when the shop never had one. */
export async function holdoutReport(
  db: PrismaClient,
  shop: string,
  options: { asOf?: Date } = {},
): Promise<HoldoutReport | null> {
  const holdout = await db.experiment.findFirst({
    where: { shop, kind: "holdout", status: { not: "draft" } },
    orderBy: [{ launchedAt: "desc" }],
    include: { variants: { orderBy: { position: "asc" } } },
  });
  if (!holdout) return null;
  const asOf = options.asOf ?? new Date();
  const ordered = arms(holdout);
  const metrics = [METRICS.netRevenue, METRICS.netMargin, METRICS.rewardCost];
  const rows = await aggregateExperiment(db, shop, holdout.id, asOf, holdout.grossMarginBps, metrics);
  const { total } = sumsByVariant(
    rows,
    ordered.map((v) => qualifiedKey(holdout.key, v.key)),
  );
  const { program } = await currentProgramVersion(db, shop);
  const days = daysRunning(holdout, asOf);
  return {
    ...incrementalValue(total, holdout.grossMarginBps, days, program.currency),
    holdoutId: holdout.id,
    status: holdout.status,
    sharePercent: ordered.find((v) => v.control)?.weight ?? 0,
    grossMarginPercent: holdout.grossMarginBps / 100,
    days,
  };
}
