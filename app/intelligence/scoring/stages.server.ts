import type { PrismaClient } from "~/db.server";

// The stages of "score the shop", in the order they run. Each is the model's own run (the
// same function its Recompute button's job calls), started with a row of its own, so the
// model's page shows the result, its reason and its time as after an on-demand run. A stage
// that cannot replace its results (too little data, no convergence, an error) leaves the
// previous ones in place — the model's run guarantees that — and the next stage still runs.
//
// Order: segments (features, RFM quintiles, named segments, k-means clusters: one pass over
// the members' aggregates) → lifetime value (BG/NBD + Gamma-Gamma) → reward recommendations
// (each member's reward by expected value) → churn risk (which reads the lifetime values just
// stored as each member's value at stake, and names the recommended reward as intervention).
// They start in that order and run side by side (ADR 0033): only churn's value at stake and
// intervention wait for the lifetime values and the rewards (`after`).
//
// Each stage imports its model when it runs: in a full scoring the stages run on threads that
// each load the app (thread.server.ts), and a thread that loads only its own stages' models
// starts faster (ADR 0033, sixth pass).

export type StageStatus = "done" | "notEnoughData" | "failed" | "skipped";

export type StageOutcome = {
  status: StageStatus;
  /** The model's own run row (SegmentRun, LifetimeValueFit, ChurnRun, …). */
  runId: string;
  /** For the merchant: the model's reason when it stored nothing, or what it stored. */
  detail?: string;
};

export type StageContext = {
  db: PrismaClient;
  shop: string;
  /** The instant the run scores as of (every stage the same). */
  now: Date;
  trigger: string;
  /** Progress within the stage, 0..1. */
  onProgress: (fraction: number) => Promise<void>;
  /** Settles when the stages in the stage's `after` have finished (whatever their outcome). */
  upstream: Promise<void>;
};

export interface ScoringStage {
  /** Stable key, stored on the run. */
  key: string;
  /** What the progress bar says while it runs. */
  label: string;
  /** Its share of the progress bar (measured cost on the benchmark shop). */
  weight: number;
  /**
   * Keys of the stages whose stored results this one reads: it may start beside them and
   * awaits `upstream` before reading those results.
   */
  after?: readonly string[];
  /**
   * In the worker's scoring, the stage thread it runs on (stages naming the same one share it);
   * none: the scoring thread itself, as for a stage with `after` (it awaits the others there).
   */
  thread?: string;
  run(context: StageContext): Promise<StageOutcome>;
}

const count = (n: number, what: string) => `${n.toLocaleString("en-US")} ${what}`;

const segments: ScoringStage = {
  key: "segments",
  label: "Segments and clusters",
  weight: 2,
  thread: "segments and lifetime value",
  async run({ db, shop, now, onProgress }) {
    const { computeSegments, startSegmentRun } = await import("../segments/compute.server");
    const { id } = await startSegmentRun(db, shop, now);
    // computeSegments records its own failure (the previous segments stay) and rethrows.
    const result = await computeSegments(db, id, { now, onProgress: (percent) => onProgress(percent / 100) });
    if (result.skipped) return { status: "skipped", runId: id, detail: "another segment run finished it" };
    return {
      status: "done",
      runId: id,
      detail: `${count(result.members, "members")}, ${count(result.buyers, "buyers")}`,
    };
  },
};

const lifetimeValue: ScoringStage = {
  key: "lifetimeValue",
  label: "Lifetime value",
  weight: 3,
  thread: "segments and lifetime value",
  async run({ db, shop, now, trigger, onProgress }) {
    const { markFitFailed, runLifetimeValueFit } = await import("../clv/fit.server");
    const fit = await db.lifetimeValueFit.create({ data: { shop, trigger, createdAt: now } });
    try {
      const outcome = await runLifetimeValueFit(db, fit.id, { now, onProgress });
      if (outcome.status === "fitted")
        return { status: "done", runId: fit.id, detail: count(outcome.members, "buyers valued") };
      const stored = await db.lifetimeValueFit.findUnique({
        where: { id: fit.id },
        select: { reason: true },
      });
      return { status: "notEnoughData", runId: fit.id, detail: stored?.reason ?? outcome.status };
    } catch (error) {
      await markFitFailed(
        db,
        fit.id,
        "The computation stopped on an error; the previous values stay in use.",
      );
      throw error;
    }
  },
};

const rewards: ScoringStage = {
  key: "rewards",
  label: "Reward recommendations",
  weight: 3,
  thread: "rewards",
  async run({ db, shop, now, trigger, onProgress }) {
    const { markRewardRunFailed, runRewardRecommendationRun } = await import("../rewards/run.server");
    const run = await db.rewardRecommendationRun.create({ data: { shop, trigger, createdAt: now } });
    try {
      const outcome = await runRewardRecommendationRun(db, run.id, { now, onProgress });
      if (outcome.status === "computed")
        return {
          status: "done",
          runId: run.id,
          detail: `${count(outcome.members, "members")}${outcome.method === "model" ? "" : " (affordability rule)"}`,
        };
      if (outcome.status === "skipped")
        return { status: "skipped", runId: run.id, detail: "another run finished it" };
      return { status: "notEnoughData", runId: run.id, detail: "The program has no rewards to recommend." };
    } catch (error) {
      await markRewardRunFailed(
        db,
        run.id,
        "The computation stopped on an error; the previous recommendations stay in use.",
      );
      throw error;
    }
  },
};

const churn: ScoringStage = {
  key: "churn",
  label: "Churn risk",
  weight: 5,
  // The value at stake is the lifetime value just stored, the intervention the reward just
  // recommended: read once those stages have finished; the rest of the stage runs beside them.
  after: ["lifetimeValue", "rewards"],
  async run({ db, shop, now, trigger, onProgress, upstream }) {
    const { markChurnFailed, runChurnRun } = await import("../churn/run.server");
    const run = await db.churnRun.create({ data: { shop, trigger, createdAt: now } });
    try {
      const outcome = await runChurnRun(db, run.id, { now, onProgress, upstream });
      if (outcome.status === "computed")
        return { status: "done", runId: run.id, detail: count(outcome.members, "buyers scored") };
      const stored = await db.churnRun.findUnique({ where: { id: run.id }, select: { reason: true } });
      return { status: "notEnoughData", runId: run.id, detail: stored?.reason ?? outcome.status };
    } catch (error) {
      await markChurnFailed(
        db,
        run.id,
        "The computation stopped on an error; the previous risks stay in use.",
      );
      throw error;
    }
  },
};

/** Every stage of a full scoring, in order. */
export const SCORING_STAGES: readonly ScoringStage[] = [segments, lifetimeValue, rewards, churn];
