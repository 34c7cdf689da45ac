import type { PrismaClient } from "~/db.server";
import { shopContext } from "~/admin/experiments/context.server";
import {
  holdoutPrecision,
  HOLDOUT_HORIZON_DAYS,
  SUGGESTED_HOLDOUT_SHARES,
  trafficProblem,
} from "~/admin/experiments/plan";
import { daysRunning } from "~/admin/experiments/present";
import { shopTraffic } from "~/admin/experiments/traffic.server";
import type { IncrementalValue } from "./incremental-present";

// The dashboard's first card: the program's incremental value against the holdout. Without
// a holdout, the invitation to start one (with what each suggested share can detect on this
// shop's traffic); while one runs, its exposure per arm until the holdout's report has
// figures; then the figures, each with its interval.

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
        days: number | null;
        heldOut: number;
        inProgram: number;
        ended: boolean;
      };
      reason?: string;
      value?: IncrementalValue;
    };

export async function loadIncrementalCard(
  db: PrismaClient,
  shop: string,
  now: Date,
): Promise<IncrementalCard> {
  const context = await shopContext(db, shop);
  const holdout = await db.experiment.findFirst({
    where: { shop, kind: "holdout", status: { in: ["running", "paused", "stopped"] } },
    orderBy: { createdAt: "desc" },
    include: { variants: true },
  });
  if (!holdout) {
    const traffic = await shopTraffic(db, shop, now);
    const problem = trafficProblem(traffic);
    return {
      state: "none",
      currency: context.currency,
      horizonDays: HOLDOUT_HORIZON_DAYS,
      options: SUGGESTED_HOLDOUT_SHARES.map((share) => ({
        share,
        ...(problem ? { mde: null, reason: problem } : holdoutPrecision(traffic, share)),
      })),
    };
  }
  const counts = await db.experimentExposure.groupBy({
    by: ["variantKey"],
    where: { shop, experimentId: holdout.id },
    _count: { _all: true },
  });
  const count = (key: string) => counts.find((c) => c.variantKey === key)?._count._all ?? 0;
  const control = holdout.variants.find((v) => v.control);
  return {
    state: "measuring",
    currency: context.currency,
    holdout: {
      id: holdout.id,
      sharePercent: control?.weight ?? 0,
      days: daysRunning(holdout.launchedAt, holdout.stoppedAt, now),
      heldOut: control ? count(control.key) : 0,
      inProgram: holdout.variants.filter((v) => !v.control).reduce((sum, v) => sum + count(v.key), 0),
      ended: holdout.status === "stopped",
    },
    reason:
      "The incremental revenue, margin and ROI appear here once the holdout's report is computed; the counts above are live.",
  };
}
