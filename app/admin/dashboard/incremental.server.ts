import type { PrismaClient } from "~/db.server";
import type { ProgramVersionInfo } from "~/loyalty/services/program.server";
import { shopContext } from "~/admin/experiments/context.server";
import {
  HOLDOUT_HORIZON_DAYS,
  SUGGESTED_HOLDOUT_SHARES,
  baselineOf,
  precisionRow,
  trafficProblem,
} from "~/admin/experiments/plan";
import { holdoutPrecision } from "~/experiments/planning.server";
import { shopTraffic } from "~/admin/experiments/traffic.server";
import { holdoutReport } from "~/experiments/report.server";
import { simulatedStoreNotice } from "~/experiments/simulated";
import type { IncrementalValue } from "~/experiments/incremental-value";
import { REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS } from "~/experiments/aggregates.server";
import { presentFreshness, type FiguresFreshness } from "~/admin/experiments/freshness";

// The dashboard's first card: the program's incremental value against the holdout
// (`holdoutReport`: the running holdout, else the latest). Without a holdout, the invitation
// to start one, with what each suggested share can detect on this shop's traffic; while the
// report has too little data, its exposure per arm and the reason.

export type IncrementalCard =
  | {
      state: "none";
      currency: string;
      options: { share: number; mde: number | null; reason?: string }[];
      horizonDays: number;
    }
  | {
      state: "measuring" | "report";
      currency: string;
      holdout: {
        id: string;
        sharePercent: number;
        days: number;
        heldOut: number;
        inProgram: number;
        ended: boolean;
      };
      /** Set when the simulator made the holdout: its numbers come from the simulated store. */
      notice: string | null;
      /** When the figures are as of (the holdout's stored aggregate). */
      figures: FiguresFreshness | null;
      reason?: string;
      value?: Omit<IncrementalValue, "ok" | "reason" | "members">;
    };

export async function loadIncrementalCard(
  db: PrismaClient,
  shop: string,
  now: Date,
  live?: Promise<ProgramVersionInfo>,
): Promise<IncrementalCard> {
  const context = await shopContext(db, shop, live);
  // The stored aggregate (dated on the card): the holdout spans every member of the shop.
  const report = await holdoutReport(db, shop, { asOf: now, figures: "stored", currency: context.currency });
  if (!report) {
    const traffic = await shopTraffic(db, shop, now);
    const problem = trafficProblem(traffic);
    return {
      state: "none",
      currency: context.currency,
      horizonDays: HOLDOUT_HORIZON_DAYS,
      options: SUGGESTED_HOLDOUT_SHARES.map((share) => ({
        share,
        ...(problem
          ? { mde: null, reason: problem }
          : precisionRow(holdoutPrecision(baselineOf(traffic), share, HOLDOUT_HORIZON_DAYS))),
      })),
    };
  }
  const row = await db.experiment.findFirst({
    where: { shop, id: report.holdoutId },
    select: { createdBy: true },
  });
  const notice = row ? simulatedStoreNotice(row) : null;
  const figures = report.freshness
    ? presentFreshness(
        { asOf: report.asOf, stale: report.freshness.stale },
        REFRESH_EXPERIMENT_AGGREGATES_EVERY_MS / 60_000,
        context.timeZone,
      )
    : null;
  const holdout = {
    id: report.holdoutId,
    sharePercent: report.sharePercent,
    days: report.days,
    heldOut: report.members.holdout,
    inProgram: report.members.program,
    ended: report.status !== "running" && report.status !== "paused",
  };
  if (!report.ok)
    return {
      state: "measuring",
      currency: context.currency,
      holdout,
      notice,
      figures,
      reason: report.sentence,
    };
  return {
    state: "report",
    currency: context.currency,
    holdout,
    notice,
    figures,
    value: {
      perMember: report.perMember,
      total: report.total,
      roi: report.roi,
      sentence: report.sentence,
    },
  };
}
