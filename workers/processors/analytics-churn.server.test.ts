import type { Job } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { requestChurnRun } from "~/intelligence/churn/start.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { CHURN_PATTERN, upsertSchedules } from "~/jobs/schedules.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { analyticsProcessor } from "./analytics";

// The churn jobs on the analytics queue: the nightly fan-out (one run per installed shop,
// deduplicated), the run itself with progress, a malformed payload refused.

const db = prisma();
const A = "churn-job-a.myshopify.com";
const B = "churn-job-b.myshopify.com";
const GONE = "churn-job-gone.myshopify.com";

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

const job = (name: string, data: unknown, progress: number[] = []) =>
  ({
    name,
    data,
    attemptsMade: 0,
    opts: { attempts: 3 },
    updateProgress: async (p: number) => void progress.push(p),
  }) as unknown as Job;

describe("analytics processor: churn", () => {
  it("the nightly tick asks for one run per installed shop, once however often it is delivered", async () => {
    const run = analyticsProcessor(db, queue(QUEUE.analytics));
    expect(await run(job("schedule-churn", {}))).toEqual({ shops: 2 });
    await run(job("schedule-churn", {}));
    const runs = await db.churnRun.findMany({ orderBy: { shop: "asc" } });
    expect(runs.map((r) => [r.shop, r.status, r.trigger])).toEqual([
      [A, "queued", "schedule"],
      [B, "queued", "schedule"],
    ]);
    const jobs = await queue(QUEUE.analytics).getJobs(["waiting"]);
    expect(
      jobs
        .filter((j) => j.name === "compute-churn")
        .map((j) => j.id)
        .sort(),
    ).toEqual(runs.map((r) => r.id).sort());
    const asked = await requestChurnRun(db, A, "merchant");
    expect(asked).toMatchObject({ created: false, run: { id: runs[0]!.id } });
  });

  it("is scheduled nightly by cron pattern", async () => {
    await upsertSchedules((name) => queue(name) as never);
    expect(await queue(QUEUE.analytics).getJobScheduler("schedule-churn")).toMatchObject({
      pattern: CHURN_PATTERN,
      tz: "UTC",
    });
  });

  it("runs with progress and records a shop without enough history with the reason", async () => {
    await db.order.create({
      data: {
        shop: A,
        id: 1n,
        customerId: 7n,
        name: "#1",
        currencyCode: "USD",
        subtotalMinor: 1_000n,
        totalMinor: 1_000n,
        financialStatus: "paid",
        processedAt: new Date(Date.now() - 300 * 86_400_000),
      },
    });
    const { run } = await requestChurnRun(db, A, "merchant");
    const progress: number[] = [];
    const result = await analyticsProcessor(
      db,
      queue(QUEUE.analytics),
    )(job("compute-churn", { runId: run.id }, progress));
    expect(result).toEqual({ status: "notEnoughData", members: 0 });
    const stored = await db.churnRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "notEnoughData", customers: 1, progress: 1 });
    expect(stored.reason).toMatch(/50/);
    expect(progress.length).toBeGreaterThan(0);
  });

  it("refuses a malformed payload without retrying", async () => {
    await expect(
      analyticsProcessor(db, queue(QUEUE.analytics))(job("compute-churn", { runId: "nope" })),
    ).rejects.toThrow(/Invalid payload/);
  });
});
