import type { PrismaClient } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { qualifiedKey } from "./assignment";
import { banditReport, type BanditReport } from "./bandit.server";
import { getExperiment, type ExperimentWithVariants } from "./experiments.server";
import { experimentAggregate, experimentRows, type ExperimentRows } from "./aggregates.server";
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
// merchant may look every day. The admin pages read the stored aggregate
// (aggregates.server.ts: `figures: "stored"`), the same rows computed by a job, dated by
// `asOf`; everything else (auto-apply, decisions, tests) aggregates live.

const DAY_MS = 86_400_000;

/** Live: aggregated now from the order tables. Stored: the experiment's aggregate (aggregates.server.ts). */
export type Figures = "live" | "stored";

/** When a report's figures were computed, for the page to say (null for live figures). */
export type Freshness = { computedAt: Date; stale: boolean } | null;

export interface ExperimentReport {
  experiment: ExperimentWithVariants;
  /** The instant the figures are as of: the request's for live figures, the refresh's for stored ones. */
  asOf: Date;
  freshness: Freshness;
  daysRunning: number;
  /** Control first, as the analysis lists arms. */
  variants: { key: string; name: string; weight: number; control: boolean; exposed: number }[];
  analysis: ExperimentAnalysis;
  /**
   * Each arm's sufficient statistics over every exposure day (`n`, `<metric>_s`, …), in
   * `variants` order: for callers that show raw totals beside the analysis without
   * aggregating again (the campaign report).
   */
  totals: Record<string, number>[];
  /** The primary metric's cumulative lift by exposure day (the chart). */
  series: { days: Date[]; points: SeriesPoint[] };
  grossMarginPercent: number;
  metrics: { key: MetricKey; name: string; higherIsBetter: boolean; unit: string }[];
  /** A bandit's allocation history and expected shares (null for a fixed split). */
  bandit: BanditReport | null;
  /**
   * Why the long-term value is missing from the analysis (the shop has no usable lifetime-value
   * model), when the experiment names it; null otherwise.
   */
  longTermNotice: string | null;
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
  options: { asOf?: Date; figures?: Figures; experiment?: ExperimentWithVariants } = {},
): Promise<ExperimentReport | null> {
  const experiment = options.experiment ?? (await getExperiment(db, shop, experimentId));
  if (!experiment || experiment.shop !== shop || experiment.id !== experimentId) return null;
  const { rows, longTerm, longTermReason, asOf, freshness } = await figuresOf(db, shop, experiment, options);
  const ordered = arms(experiment);
  const keys = ordered.map((v) => qualifiedKey(experiment.key, v.key));
  const plan = {
    primary: experiment.primaryMetric as MetricKey | null,
    secondary: experiment.secondaryMetrics as MetricKey[],
    guardrails: experiment.guardrails as { metric: MetricKey; threshold: number }[],
  };
  const { total, cumulative } = sumsByVariant(rows, keys);
  const bandit = await banditReport(
    db,
    shop,
    experiment,
    ordered.map((v) => v.key),
    asOf,
  );
  // The long-term value is computed when the shop has a lifetime-value model; otherwise the
  // report says so (longTermNotice) instead of counting the change in lifetime value as zero.
  if (!longTerm) {
    if (plan.primary === "longTermValue") plan.primary = null;
    plan.secondary = plan.secondary.filter((k) => k !== "longTermValue");
    plan.guardrails = plan.guardrails.filter((g) => g.metric !== "longTermValue");
  }
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
    freshness,
    daysRunning: daysRunning(experiment, asOf),
    variants: ordered.map((v, i) => ({
      key: v.key,
      name: v.name,
      weight: v.weight,
      control: v.control,
      exposed: total[i]?.n ?? 0,
    })),
    analysis,
    totals: total,
    series: { days: cumulative.map((c) => c.day), points },
    grossMarginPercent: experiment.grossMarginBps / 100,
    metrics: Object.values(METRICS).map((m) => ({
      key: m.key,
      name: m.name,
      higherIsBetter: m.higherIsBetter,
      unit: m.unit,
    })),
    bandit,
    longTermNotice: longTermReason,
  };
}

/** The experiment's rows, live as of the request or stored as of their refresh. */
async function figuresOf(
  db: PrismaClient,
  shop: string,
  experiment: ExperimentWithVariants,
  options: { asOf?: Date; figures?: Figures },
): Promise<ExperimentRows & { asOf: Date; freshness: Freshness }> {
  const now = options.asOf ?? new Date();
  if (options.figures !== "stored")
    return { ...(await experimentRows(db, shop, experiment, now)), asOf: now, freshness: null };
  const stored = await experimentAggregate(db, shop, experiment, now);
  return { ...stored, freshness: { computedAt: stored.computedAt, stale: stored.stale } };
}

export interface HoldoutReport extends IncrementalValue {
  holdoutId: string;
  /** The instant the figures are as of, and when they were computed (stored figures). */
  asOf: Date;
  freshness: Freshness;
  status: string;
  sharePercent: number;
  grossMarginPercent: number;
  days: number;
}

/** The incremental-value card: the running holdout, else the latest one; null when the shop never had one. */
export async function holdoutReport(
  db: PrismaClient,
  shop: string,
  options: { asOf?: Date; figures?: Figures; currency?: string } = {},
): Promise<HoldoutReport | null> {
  const holdout = await db.experiment.findFirst({
    where: { shop, kind: "holdout", status: { not: "draft" } },
    orderBy: [{ launchedAt: "desc" }],
    include: { variants: { orderBy: { position: "asc" } } },
  });
  if (!holdout) return null;
  const ordered = arms(holdout);
  const metrics = [METRICS.netRevenue, METRICS.netMargin, METRICS.rewardCost];
  const now = options.asOf ?? new Date();
  // The value reads net revenue, net margin and reward cost: live, only theirs; stored, the
  // experiment's aggregate of every metric, whose columns for these three are the same sums.
  const [{ rows, asOf, freshness }, currency] = await Promise.all([
    options.figures === "stored"
      ? figuresOf(db, shop, holdout, options)
      : aggregateExperiment(db, shop, holdout.id, now, holdout.grossMarginBps, metrics).then((rows) => ({
          rows,
          asOf: now,
          freshness: null,
        })),
    options.currency ?? currentProgramVersion(db, shop).then((v) => v.program.currency),
  ]);
  const { total } = sumsByVariant(
    rows,
    ordered.map((v) => qualifiedKey(holdout.key, v.key)),
  );
  const days = daysRunning(holdout, asOf);
  return {
    ...incrementalValue(total, holdout.grossMarginBps, days, currency),
    holdoutId: holdout.id,
    asOf,
    freshness,
    status: holdout.status,
    sharePercent: ordered.find((v) => v.control)?.weight ?? 0,
    grossMarginPercent: holdout.grossMarginBps / 100,
    days,
  };
}
