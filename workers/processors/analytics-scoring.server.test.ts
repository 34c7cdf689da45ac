import type { Queue } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { requestScoringRun } from "~/intelligence/scoring/start.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { RETIRED_SCHEDULES, SCORING_PATTERN, upsertSchedules } from "~/jobs/schedules.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { fakeJob } from "~tests/support/jobs";
import { analyticsProcessor } from "./analytics";

// Full scoring on the analytics queue: the nightly fan-out (one run per installed shop,
// deduplicated with the merchant's button), the schedule (and the per-model nightly schedules
// it replaced gone from Redis), a run with progress reported to BullMQ.

const db = prisma();
const A = "scoring-job-a.myshopify.com";
const B = "scoring-job-b.myshopify.com";
const GONE = "scoring-job-gone.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await db.shop.createMany({
    data: [{ domain: A }, { domain: B }, { domain: GONE, status: "uninstalled" }],
  });
});
afterAll(async () => {
  await closeQueues();
});

const job = (name: string, data: unknown, progress: number[] = []) => fakeJob(name, data, progress, 2);

describe("analytics processor: full scoring", () => {
  it("the nightly tick asks for one run per installed shop, once however often it is delivered", async () => {
    const run = analyticsProcessor(db);
    expect(await run(job("schedule-scoring", {}))).toEqual({ shops: 2 });
    await run(job("schedule-scoring", {}));
    const runs = await db.scoringRun.findMany({ orderBy: { shop: "asc" } });
    expect(runs.map((r) => [r.shop, r.status, r.trigger])).toEqual([
      [A, "queued", "schedule"],
      [B, "queued", "schedule"],
    ]);
    const jobs = await queue(QUEUE.analytics).getJobs(["waiting"]);
    expect(
      jobs
        .filter((j) => j.name === "score-shop")
        .map((j) => j.id)
        .sort(),
    ).toEqual(runs.map((r) => r.id).sort());
    expect(await requestScoringRun(db, A, "merchant")).toMatchObject({
      created: false,
      run: { id: runs[0]!.id },
    });
  });

  it("is scheduled nightly by cron pattern; the per-model nightly schedules are removed", async () => {
    const analytics = queue(QUEUE.analytics);
    // A scheduler left in Redis by an earlier release (its job name is no longer a job type).
    await (analytics as unknown as Queue).upsertJobScheduler("schedule-churn", {
      pattern: "45 3 * * *",
      tz: "UTC",
    });
    await upsertSchedules((name) => queue(name) as never);
    expect(await analytics.getJobScheduler("schedule-scoring")).toMatchObject({
      pattern: SCORING_PATTERN,
      tz: "UTC",
    });
    for (const retired of RETIRED_SCHEDULES) expect(await analytics.getJobScheduler(retired.id)).toBeFalsy();
  });

  it("runs every stage with progress; a shop without history gets each model's reason", async () => {
    const { run } = await requestScoringRun(db, A, "merchant");
    const progress: number[] = [];
    const outcome = await analyticsProcessor(db)(job("score-shop", { runId: run.id }, progress));
    expect(outcome).toMatchObject({ status: "partial" });
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const stored = await db.scoringRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "partial", progress: 1, stage: null });
    expect((stored.stages as { key: string; status: string }[]).map((s) => [s.key, s.status])).toEqual([
      ["segments", "done"],
      ["lifetimeValue", "notEnoughData"],
      ["rewards", "notEnoughData"],
      ["churn", "notEnoughData"],
    ]);
    // Three threads start (the run's and two stage threads, each loading the app through tsx).
  }, 90_000);
});
