import type { PrismaClient } from "~/db.server";
import type { ExperimentWithVariants } from "~/experiments/experiments.server";
import type { ReportView, LiftSeries } from "./report-present";

// Where the report pages get an experiment's analysis. The experiments domain's
// `experimentReport` (metrics aggregated in SQL, analysed by experiments/stats) feeds it;
// until an experiment has exposed members there is nothing to analyse, and the page says why.

export type ReportState =
  | {
      available: true;
      view: ReportView;
      series: LiftSeries[];
      primaryLift: { text: string; reason?: string };
    }
  | { available: false; reason: string };

function notYet(e: ExperimentWithVariants, exposed: number): string | null {
  if (e.status === "draft") return "Not launched yet.";
  if (exposed === 0)
    return "No member has been exposed yet: exposure starts with a member's first order after launch.";
  return null;
}

export async function loadReport(
  db: PrismaClient,
  shop: string,
  e: ExperimentWithVariants,
  exposed: number,
  _now: Date,
  _currency: string,
): Promise<ReportState> {
  const why = notYet(e, exposed);
  if (why) return { available: false, reason: why };
  void db;
  void shop;
  return {
    available: false,
    reason:
      "The metrics report (lift, intervals, chance to win) is not in this build yet; exposure counts and the sample-ratio check below are live.",
  };
}

/** The list's "primary lift at a glance": the primary metric's lead variant lift, or "—" with the reason. */
export async function primaryLifts(
  db: PrismaClient,
  shop: string,
  experiments: ExperimentWithVariants[],
  now: Date,
): Promise<Map<string, { text: string; reason?: string }>> {
  const out = new Map<string, { text: string; reason?: string }>();
  const counts = await db.experimentExposure.groupBy({
    by: ["experimentId"],
    where: { shop },
    _count: { _all: true },
  });
  const exposedOf = new Map(counts.map((c) => [c.experimentId, c._count._all]));
  for (const e of experiments) {
    const report = await loadReport(db, shop, e, exposedOf.get(e.id) ?? 0, now, "");
    out.set(e.id, report.available ? report.primaryLift : { text: "—", reason: report.reason });
  }
  return out;
}
