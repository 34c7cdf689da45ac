import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Prisma, PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import {
  SCORING_STAGES,
  type ScoringStage,
  type StageContext,
  type StageOutcome,
  type StageStatus,
} from "./stages.server";

// Runs one "score the shop" run: the stages (stages.server.ts) started in order and run side
// by side, each waiting for the stages whose results it reads (ADR 0033), one progress bar
// across them weighted by each stage's cost, each stage's outcome stored on the run as it
// finishes. A stage that fails is reported and the run goes on (its model keeps its previous
// results); a retried job skips the stages already done. Before each stage the worker's event
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
    /** How a stage runs: in this thread by default; the scoring thread gives some their own. */
    runStage?: (stage: ScoringStage, context: StageContext) => Promise<StageOutcome>;
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
  const save = (data: Prisma.ScoringRunUpdateInput) =>
    db.scoringRun.update({ where: { id: runId }, data: { ...data, stages: json(stored) } });
  await save({ status: "running", startedAt: run.startedAt ?? new Date() });

  // Each stage's share done (0..1); the bar is their weighted sum, so it only moves forward
  // while stages run side by side. Writes go one after another, in the order computed.
  const fractions = stored.map((s): number => (s.status === "done" ? 1 : 0));
  const progressNow = () => stageList.reduce((sum, s, i) => sum + s.weight * fractions[i]!, 0) / total;
  let lastPercent = Math.floor(progressNow() * 100);
  let writes: Promise<unknown> = Promise.resolve();
  const report = (progress: number, data: Prisma.ScoringRunUpdateInput = {}) => {
    writes = writes.then(async () => {
      await db.scoringRun.update({ where: { id: runId }, data: { ...data, progress } });
      await options.onProgress?.(progress);
    });
    return writes;
  };
  const running = new Set<number>();
  const label = () =>
    [...running]
      .sort((a, b) => a - b)
      .map((i) => stageList[i]!.label)
      .join(", ") || null;

  // The stages start in order and run side by side, each waiting only for the stages whose
  // stored results it reads (`after`): their database work overlaps the others' computing.
  const finished = new Map<string, Promise<void>>();
  const runStage = async (i: number, stage: ScoringStage) => {
    if (stored[i]!.status === "done") return;
    await yieldToLoop();
    const upstream = Promise.all((stage.after ?? []).flatMap((key) => finished.get(key) ?? [])).then(
      () => undefined,
    );
    stored[i] = { key: stage.key, label: stage.label, status: "running" };
    running.add(i);
    await report(progressNow(), { stage: label(), stages: json(stored) });
    const started = performance.now();
    const onProgress = async (fraction: number) => {
      fractions[i] = Math.max(fractions[i]!, Math.min(1, Math.max(0, fraction)));
      const progress = progressNow();
      // One write per percent: stages report often, the bar moves by whole percents.
      if (Math.floor(progress * 100) <= lastPercent) return;
      lastPercent = Math.floor(progress * 100);
      await report(progress);
    };
    try {
      const context = { db, shop: run.shop, now: options.now, trigger: run.trigger, onProgress, upstream };
      const outcome = await (options.runStage ? options.runStage(stage, context) : stage.run(context));
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
    fractions[i] = 1;
    running.delete(i);
    await report(progressNow(), { stage: label(), stages: json(stored) });
  };
  for (const [i, stage] of stageList.entries()) finished.set(stage.key, runStage(i, stage));
  await Promise.all(finished.values());
  await writes;
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
