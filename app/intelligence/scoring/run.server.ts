import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Prisma, PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import { SCORING_STAGES, type ScoringStage, type StageStatus } from "./stages.server";

// Runs one "score the shop" run: the stages in order (stages.server.ts), one progress bar
// across them weighted by each stage's cost, each stage's outcome stored on the run as it
// finishes. A stage that fails is reported and the run goes on (its model keeps its previous
// results); a retried job skips the stages already done. Between stages the worker's event
// loop gets a turn (BullMQ's lock renewal, other jobs' progress): ADR 0032-scoring-event-loop.

export type StoredStage = {
  key: string;
  label: string;
  status: StageStatus | "pending" | "running";
  runId?: string;
  detail?: string;
  seconds?: number;
};

export type ScoringOutcome = { status: "completed" | "partial" | "skipped"; stages: StoredStage[] };

const json = (v: unknown) => v as Prisma.InputJsonValue;

export async function runScoring(
  db: PrismaClient,
  runId: string,
  options: {
    now: Date;
    onProgress?: (progress: number) => Promise<unknown>;
    stages?: readonly ScoringStage[];
  },
): Promise<ScoringOutcome> {
  const run = await db.scoringRun.findUnique({ where: { id: runId } });
  if (!run || (run.status !== "queued" && run.status !== "running")) return { status: "skipped", stages: [] };
  const stageList = options.stages ?? SCORING_STAGES;
  const previous = new Map(((run.stages ?? []) as StoredStage[]).map((s) => [s.key, s]));
  const stored: StoredStage[] = stageList.map((s) => {
    const before = previous.get(s.key);
    return before?.status === "done" ? before : { key: s.key, label: s.label, status: "pending" };
  });
  const total = stageList.reduce((sum, s) => sum + s.weight, 0);
  let done = 0;
  const save = (data: Prisma.ScoringRunUpdateInput) =>
    db.scoringRun.update({ where: { id: runId }, data: { ...data, stages: json(stored) } });
  await save({ status: "running", startedAt: run.startedAt ?? new Date() });

  for (const [i, stage] of stageList.entries()) {
    if (stored[i]!.status === "done") {
      done += stage.weight;
      continue;
    }
    stored[i] = { key: stage.key, label: stage.label, status: "running" };
    await save({ stage: stage.label, progress: done / total });
    await yieldToLoop();
    const started = performance.now();
    let last = -1;
    const onProgress = async (fraction: number) => {
      const progress = (done + stage.weight * Math.min(1, Math.max(0, fraction))) / total;
      // One write per percent: stages report often, the bar moves by whole percents.
      if (Math.floor(progress * 100) === last) return;
      last = Math.floor(progress * 100);
      await db.scoringRun.update({ where: { id: runId }, data: { progress } });
      await options.onProgress?.(progress);
    };
    try {
      const outcome = await stage.run({
        db,
        shop: run.shop,
        now: options.now,
        trigger: run.trigger,
        onProgress,
      });
      stored[i] = { key: stage.key, label: stage.label, ...outcome, seconds: seconds(started) };
    } catch (error) {
      logger().error({ err: error, shop: run.shop, stage: stage.key, runId }, "Scoring stage failed");
      stored[i] = {
        key: stage.key,
        label: stage.label,
        status: "failed",
        detail: "The computation stopped on an error; the previous results stay in use.",
        seconds: seconds(started),
      };
    }
    done += stage.weight;
    await save({ progress: done / total });
    await options.onProgress?.(done / total);
  }
  const status = stored.every((s) => s.status === "done" || s.status === "skipped") ? "completed" : "partial";
  await save({ status, stage: null, progress: 1, finishedAt: new Date() });
  return { status, stages: stored };
}

const seconds = (started: number) => Math.round((performance.now() - started) / 10) / 100;

/** Records that run `runId` stopped outside its stages (the worker's last attempt). */
export async function markScoringFailed(db: PrismaClient, runId: string, message: string): Promise<void> {
  await db.scoringRun.updateMany({
    where: { id: runId, status: { in: ["queued", "running"] } },
    data: { status: "failed", reason: message, stage: null, finishedAt: new Date() },
  });
}

/** The shop's latest scoring run, for the Insights pages ("scored 2 hours ago", the bar while it runs). */
export function latestScoring(db: PrismaClient, shop: string) {
  return db.scoringRun.findFirst({ where: { shop }, orderBy: { createdAt: "desc" } });
}
