import type { PrismaClient } from "~/db.server";
import type { ExperimentWithVariants } from "~/experiments/experiments.server";
import { experimentReport, type ExperimentReport } from "~/experiments/report.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { storedOptimizer } from "~/experiments/optimizer";
import { presentBandit, type BanditView } from "./bandit-present";
import { presentOptimizer, type OptimizerView } from "./optimizer-present";
import { presentResponseCurve, type ResponseCurveView } from "./response-curve";
import { formatLift, LONG_TERM_EXPLANATION } from "./present";
import { contextNames } from "~/experiments/bandit-context.server";
import { latestSegmentAllocations } from "~/experiments/contextual-bandit.server";
import { presentSegments, type SegmentsView } from "./segments-present";
import { presentAnalysis, presentSeries, type LiftSeries, type ReportView } from "./report-present";

// Where the report pages get an experiment's analysis: the experiments domain's
// `experimentReport` (metrics aggregated in SQL, analysed by experiments/stats, sequential
// intervals), presented in the shop's currency and time zone. Before launch, or before any
// member is exposed, there is nothing to analyse and the page says why.

export type ReportState =
  | {
      available: true;
      view: ReportView;
      series: LiftSeries[];
      primaryLift: { text: string; reason?: string };
      /** A bandit's allocation and posteriors (null for a fixed split). */
      bandit: BanditView | null;
      /** The earn-rate optimizer's Gaussian-process response curve (null otherwise, or before its first posterior). */
      responseCurve: ResponseCurveView | null;
      /** A threshold optimizer's response curve and recommendation (null otherwise). */
      optimizer: OptimizerView | null;
      /** Why the long-term value is missing (no lifetime-value model), when the experiment names it. */
      longTermNotice: string | null;
      /** What the long-term value measures, when it is the primary metric and computed. */
      longTermExplanation: string | null;
      /** A contextual bandit's best arm per segment (null otherwise). */
      segments: SegmentsView | null;
    }
  | { available: false; reason: string };

function notYet(e: ExperimentWithVariants, exposed: number): string | null {
  if (e.status === "draft") return "Not launched yet.";
  if (exposed === 0)
    return "No member has been exposed yet: every member of the audience is exposed at launch, or when they join.";
  return null;
}

/** Exposure days are calendar days bucketed in UTC by the aggregation: label them as such. */
const dayLabel = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

export async function loadReport(
  db: PrismaClient,
  shop: string,
  e: ExperimentWithVariants,
  exposed: number,
  now: Date,
  context: { currency: string; timeZone: string | null },
  /** The stored report when the page has read it already (the campaign report), so it is read once. */
  prepared?: ExperimentReport,
): Promise<ReportState> {
  const why = notYet(e, exposed);
  if (why) return { available: false, reason: why };
  // The stored aggregate, dated: a million members' orders are not read on each view.
  const report =
    prepared ?? (await experimentReport(db, shop, e.id, { asOf: now, figures: "stored", experiment: e }));
  if (!report) return { available: false, reason: "No such experiment." };
  const view = presentAnalysis(report.analysis, {
    variants: report.variants.map((v) => ({ key: v.key, name: v.name })),
    currency: context.currency,
    higherIsBetter: Object.fromEntries(report.metrics.map((m) => [m.key, m.higherIsBetter])),
  });
  const names = new Map(report.variants.map((v) => [v.key, v.name]));
  const series = presentSeries(
    report.series.points,
    report.series.days.map((d) => dayLabel.format(d)),
  ).map((s) => ({ ...s, variant: names.get(s.variant) ?? s.variant }));
  const primary = report.metrics.find((m) => m.key === e.primaryMetric);
  const bandit =
    report.bandit && primary
      ? presentBandit({
          report: report.bandit,
          bandit: e.bandit,
          launchedAt: e.launchedAt,
          status: e.status,
          now,
          variants: report.variants,
          positionKeys: e.variants.map((v) => v.key),
          metric: primary,
          currency: context.currency,
          timeZone: context.timeZone,
        })
      : null;
  const responseCurve =
    report.bandit && primary
      ? presentResponseCurve({
          bandit: e.bandit,
          report: report.bandit,
          variants: report.variants,
          positionKeys: e.variants.map((v) => v.key),
          metricName: primary.name,
          currency: context.currency,
          timeZone: context.timeZone,
        })
      : null;
  const settings = storedOptimizer(e.bandit);
  let optimizer: OptimizerView | null = null;
  if (settings && bandit && report.bandit) {
    // The target's name and unit as the live program has them now.
    const live = (await currentProgramVersion(db, shop)).program;
    const reward =
      settings.kind === "rewardCost" ? live.rewards.find((r) => r.id === settings.rewardId) : null;
    const tier =
      settings.kind === "tierThreshold" ? live.tiers.levels.find((l) => l.id === settings.tierId) : null;
    const basis = live.tiers.basis;
    optimizer = presentOptimizer({
      settings,
      report: report.bandit,
      view: bandit,
      positionKeys: e.variants.map((v) => v.key),
      targetName:
        reward?.name ?? tier?.name ?? (settings.kind === "rewardCost" ? settings.rewardId : settings.tierId),
      targetUnit:
        settings.kind === "rewardCost" || basis === "points"
          ? "points"
          : basis === "spend"
            ? "money"
            : "orders",
      currency: context.currency,
      status: e.status,
    });
  }
  const segmentRows = bandit ? await latestSegmentAllocations(db, shop, e.id) : [];
  const segments =
    primary && segmentRows.length
      ? presentSegments({
          rows: segmentRows,
          bandit: e.bandit,
          variants: e.variants.map((v) => ({ key: v.key, name: v.name })),
          metric: primary,
          currency: context.currency,
          timeZone: context.timeZone,
          names: await contextNames(db, shop),
        })
      : null;
  return {
    available: true,
    view,
    series,
    primaryLift: primaryLiftOf(report.analysis),
    bandit,
    responseCurve,
    optimizer,
    longTermNotice: report.longTermNotice,
    longTermExplanation:
      e.primaryMetric === "longTermValue" && !report.longTermNotice ? LONG_TERM_EXPLANATION : null,
    segments,
  };
}

/** The primary metric's lift at a glance: the best treatment's relative lift and interval, or "—" and why. */
function primaryLiftOf(
  analysis: Awaited<ReturnType<typeof experimentReport>> extends infer R
    ? R extends { analysis: infer A }
      ? A
      : never
    : never,
): { text: string; reason?: string } {
  const primary = analysis.metrics.find((m) => m.role === "primary");
  if (!primary) return { text: "—", reason: "No primary metric." };
  const lifts = primary.variants.flatMap((v) =>
    v.frequentist.ok && v.frequentist.relative ? [v.frequentist.relative] : [],
  );
  if (!lifts.length) {
    const first = primary.variants[0]?.frequentist;
    return { text: "—", reason: first && !first.ok ? `Not yet: ${first.reason}.` : "No relative lift yet." };
  }
  const best = lifts.reduce((a, b) => (b.estimate > a.estimate ? b : a));
  return {
    text: formatLift(best.estimate),
    reason: `${formatLift(best.lower)} to ${formatLift(best.upper)}`,
  };
}

/** The list's "primary lift at a glance" for each experiment, or "—" with the reason. */
export async function primaryLifts(
  db: PrismaClient,
  shop: string,
  experiments: ExperimentWithVariants[],
  now: Date,
  context: { currency: string; timeZone: string | null },
): Promise<Map<string, { text: string; reason?: string }>> {
  const out = new Map<string, { text: string; reason?: string }>();
  const counts = await db.experimentExposure.groupBy({
    by: ["experimentId"],
    where: { shop },
    _count: { _all: true },
  });
  const exposedOf = new Map(counts.map((c) => [c.experimentId, c._count._all]));
  for (const e of experiments) {
    const report = await loadReport(db, shop, e, exposedOf.get(e.id) ?? 0, now, context);
    out.set(e.id, report.available ? report.primaryLift : { text: "—", reason: report.reason });
  }
  return out;
}
