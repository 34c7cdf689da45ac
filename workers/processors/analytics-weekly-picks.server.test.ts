import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { requestWeeklyPicks } from "~/intelligence/picks/start.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { WEEKLY_PICKS_PATTERN, upsertSchedules } from "~/jobs/schedules.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { fakeJob as job } from "~tests/support/jobs";
import { analyticsProcessor } from "./analytics";

// The weekly-picks jobs on the analytics queue: the weekly fan-out (one run per installed
// shop, deduplicated), the run itself with progress, a malformed payload refused.

const db = prisma();
const A = "picks-job-a.myshopify.com";
const B = "picks-job-b.myshopify.com";
const GONE = "picks-job-gone.myshopify.com";

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

describe("analytics processor: weekly picks", () => {
  it("the weekly tick asks for one run per installed shop, once however often it is delivered", async () => {
    const run = analyticsProcessor(db);
    expect(await run(job("schedule-weekly-picks", {}))).toEqual({ shops: 2 });
    await run(job("schedule-weekly-picks", {}));
    const runs = await db.weeklyPicksRun.findMany({ orderBy: { shop: "asc" } });
    expect(runs.map((r) => [r.shop, r.status, r.trigger])).toEqual([
      [A, "queued", "schedule"],
      [B, "queued", "schedule"],
    ]);
    const jobs = await queue(QUEUE.analytics).getJobs(["waiting"]);
    expect(
      jobs
        .filter((j) => j.name === "compute-weekly-picks")
        .map((j) => j.id)
        .sort(),
    ).toEqual(runs.map((r) => r.id).sort());
    expect(await requestWeeklyPicks(db, A, "merchant")).toMatchObject({
      created: false,
      run: { id: runs[0]!.id },
    });
  });

  it("is scheduled weekly by cron pattern", async () => {
    await upsertSchedules((name) => queue(name) as never);
    expect(await queue(QUEUE.analytics).getJobScheduler("schedule-weekly-picks")).toMatchObject({
      pattern: WEEKLY_PICKS_PATTERN,
      tz: "UTC",
    });
  });

  it("runs with progress and records a shop without enough history with what is needed", async () => {
    const { run } = await requestWeeklyPicks(db, A, "merchant");
    const progress: number[] = [];
    const result = await analyticsProcessor(db)(job("compute-weekly-picks", { runId: run.id }, progress));
    expect(result).toEqual({ status: "notEnoughData", picks: 0 });
    const stored = await db.weeklyPicksRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "notEnoughData", progress: 1 });
    expect(stored.reason).toMatch(/at least 8 weeks of orders and at least two products/);
    expect(progress.length).toBeGreaterThan(0);
  });

  it("refuses a malformed payload without retrying", async () => {
    await expect(analyticsProcessor(db)(job("compute-weekly-picks", { runId: "nope" }))).rejects.toThrow(
      /Invalid payload/,
    );
  });
});
