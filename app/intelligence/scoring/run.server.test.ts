import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { mirrorSimulatorShop } from "~/intelligence/clv/mirror-testing.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { runScoring, type StoredStage } from "./run.server";
import { currentProgramVersion, saveProgram } from "~/loyalty/services/program.server";
import { demoProgram } from "../../../simulator/history";
import { SCORING_STAGES, type ScoringStage } from "./stages.server";

// "Score the shop" on a 1,500-customer simulator shop in the real database: the stages run in
// order and each stores its model's results; the progress bar only moves forward; a stage that
// fails midway is reported, the models after it still run, and its model keeps the previous
// run's results; a retried run skips the stages already done.

const db = prisma();
const SHOP = "scoring-run.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
});

const newRun = () => db.scoringRun.create({ data: { shop: SHOP, trigger: "merchant" } });
const stagesOf = async (id: string) =>
  (await db.scoringRun.findUniqueOrThrow({ where: { id } })).stages as StoredStage[];

/** The stages, recording the order they start in; `failing` throws from inside its model's run. */
function instrumented(order: string[], failing?: string): ScoringStage[] {
  return SCORING_STAGES.map((stage) => ({
    ...stage,
    run: (context) => {
      order.push(stage.key);
      if (stage.key !== failing) return stage.run(context);
      let calls = 0;
      return stage.run({
        ...context,
        // The model's first progress report passes; the second (after it has read its data) fails.
        onProgress: async (fraction) => {
          if (++calls > 1) throw new Error("connection lost");
          await context.onProgress(fraction);
        },
      });
    },
  }));
}

describe("runScoring", () => {
  it("runs the stages in order with one forward-moving progress bar; a failing stage keeps its model's previous results", async () => {
    const { end } = await mirrorSimulatorShop(db, SHOP, { seed: 7, customers: 1_500 });
    await db.member.createMany({
      data: (await db.customer.findMany({ where: { shop: SHOP }, select: { id: true } })).map((c) => ({
        shop: SHOP,
        customerId: c.id,
      })),
    });

    // The demo's program, so the reward stage has rewards to recommend.
    const { version } = await currentProgramVersion(db, SHOP);
    await saveProgram(db, SHOP, demoProgram("USD"), { basedOn: version, createdBy: "test", note: "test" });

    const first = await newRun();
    const order: string[] = [];
    const progress: number[] = [];
    const outcome = await runScoring(db, first.id, {
      now: end,
      stages: instrumented(order),
      onProgress: async (p) => void progress.push(p),
    });
    expect(order).toEqual(["segments", "lifetimeValue", "rewards", "churn"]);
    expect(outcome.status).toBe("completed");
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.length).toBeGreaterThan(6);
    expect(progress.at(-1)).toBe(1);
    const stages = await stagesOf(first.id);
    expect(stages.map((s) => [s.key, s.status])).toEqual([
      ["segments", "done"],
      ["lifetimeValue", "done"],
      ["rewards", "done"],
      ["churn", "done"],
    ]);
    expect(await db.memberRewardRecommendation.count({ where: { shop: SHOP } })).toBeGreaterThan(500);
    const counts = async () => ({
      segments: await db.memberSegment.count({ where: { shop: SHOP } }),
      values: await db.memberLifetimeValue.count({ where: { shop: SHOP } }),
      risks: await db.memberChurnRisk.count({ where: { shop: SHOP } }),
    });
    const before = await counts();
    expect(before.values).toBeGreaterThan(500);
    expect(before.risks).toBeGreaterThan(500);
    expect(before.segments).toBeGreaterThan(500);
    const fitBefore = await db.memberLifetimeValue.findFirstOrThrow({ where: { shop: SHOP } });
    // Churn read the lifetime values this run had just stored as the value at stake.
    expect(await db.memberChurnRisk.count({ where: { shop: SHOP, valueSource: "clv" } })).toBeGreaterThan(0);

    const second = await newRun();
    const secondOrder: string[] = [];
    const failed = await runScoring(db, second.id, {
      now: new Date(end.getTime() + 86_400_000),
      stages: instrumented(secondOrder, "lifetimeValue"),
    });
    expect(secondOrder).toEqual(["segments", "lifetimeValue", "rewards", "churn"]);
    expect(failed.status).toBe("partial");
    const reported = await stagesOf(second.id);
    expect(reported.map((s) => [s.key, s.status])).toEqual([
      ["segments", "done"],
      ["lifetimeValue", "failed"],
      ["rewards", "done"],
      ["churn", "done"],
    ]);
    expect(reported[1]!.detail).toMatch(/previous results stay in use/);
    expect(await db.scoringRun.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      status: "partial",
      progress: 1,
    });
    // The failed fit is recorded as failed, and the members keep the first run's values.
    const fits = await db.lifetimeValueFit.findMany({ where: { shop: SHOP }, orderBy: { createdAt: "asc" } });
    expect(fits.map((f) => f.status)).toEqual(["fitted", "failed"]);
    expect(await counts()).toEqual(before);
    expect(
      await db.memberLifetimeValue.findFirstOrThrow({
        where: { shop: SHOP, customerId: fitBefore.customerId },
      }),
    ).toMatchObject({
      fitId: fitBefore.fitId,
    });
  }, 180_000);

  it("a retried run skips the stages already done; a finished run is left alone", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    const run = await db.scoringRun.create({
      data: {
        shop: SHOP,
        trigger: "schedule",
        status: "running",
        stages: [{ key: "segments", label: "Segments and clusters", status: "done", runId: "x" }],
      },
    });
    const order: string[] = [];
    const outcome = await runScoring(db, run.id, { now: new Date(), stages: instrumented(order) });
    expect(order).toEqual(["lifetimeValue", "rewards", "churn"]);
    expect(outcome.stages.map((s) => s.status)).toEqual([
      "done",
      "notEnoughData",
      "notEnoughData",
      "notEnoughData",
    ]);
    expect(await runScoring(db, run.id, { now: new Date() })).toEqual({ status: "skipped", stages: [] });
  });
});
