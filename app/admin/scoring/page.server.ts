import type { PrismaClient } from "~/db.server";
import { recomputeFromForm, type Recomputed } from "~/admin/components/recompute.server";
import { latestScoring, type StoredStage } from "~/intelligence/scoring/run.server";
import { requestScoringRun } from "~/intelligence/scoring/start.server";

// The scoring page's loader and action parts (/app/insights/scoring): the latest full scoring
// (its progress while it runs, each stage's outcome after), when the shop was last scored in
// full, and the "Score now" form.

export async function loadScoringPage(db: PrismaClient, shop: string) {
  const [shopRow, run, completed] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
    latestScoring(db, shop),
    db.scoringRun.findFirst({
      where: { shop, status: { in: ["completed", "partial"] } },
      orderBy: { createdAt: "desc" },
      select: { finishedAt: true },
    }),
  ]);
  return {
    timeZone: shopRow?.ianaTimezone ?? "UTC",
    lastScoredAt: completed?.finishedAt?.toISOString() ?? null,
    run: run && {
      id: run.id,
      status: run.status,
      trigger: run.trigger,
      stage: run.stage,
      progress: run.progress,
      reason: run.reason,
      stages: run.stages as StoredStage[],
      finishedAt: run.finishedAt?.toISOString() ?? null,
    },
  };
}

export type ScoringPage = Awaited<ReturnType<typeof loadScoringPage>>;
export type ScoreNowAnswer = Recomputed<{ runId: string; created: boolean }>;

/** The "Score now" button (../components/recompute.server.ts). */
export function scoreNowFromForm(db: PrismaClient, shop: string, form: FormData) {
  return recomputeFromForm(form, shop, "a full scoring", async () => {
    const { run, created } = await requestScoringRun(db, shop, "merchant");
    return { runId: run.id, created };
  });
}
