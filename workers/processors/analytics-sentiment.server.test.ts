import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { requestSentimentScoring } from "~/intelligence/sentiment/start.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { SENTIMENT_PATTERN, upsertSchedules } from "~/jobs/schedules.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { fakeJob as job } from "~tests/support/jobs";
import { analyticsProcessor } from "./analytics";

// The sentiment jobs on the analytics queue: the nightly fan-out (one run per installed shop,
// deduplicated, the import's request joining it), the run itself by VADER without a key, a
// malformed payload refused.

const db = prisma();
const A = "sentiment-job-a.myshopify.com";
const B = "sentiment-job-b.myshopify.com";
const GONE = "sentiment-job-gone.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await db.shop.createMany({ data: [{ domain: A }, { domain: B }, { domain: GONE, status: "uninstalled" }] });
});
afterAll(async () => {
  await closeQueues();
});

describe("analytics processor: sentiment", () => {
  it("the nightly tick asks for one run per installed shop; an import's request joins it", async () => {
    const run = analyticsProcessor(db);
    expect(await run(job("schedule-sentiment", {}))).toEqual({ shops: 2 });
    await run(job("schedule-sentiment", {}));
    const runs = await db.sentimentRun.findMany({ orderBy: { shop: "asc" } });
    expect(runs.map((r) => [r.shop, r.status, r.trigger])).toEqual([
      [A, "queued", "schedule"],
      [B, "queued", "schedule"],
    ]);
    const jobs = await queue(QUEUE.analytics).getJobs(["waiting"]);
    expect(
      jobs
        .filter((j) => j.name === "score-sentiment")
        .map((j) => j.id)
        .sort(),
    ).toEqual(runs.map((r) => r.id).sort());
    expect(await requestSentimentScoring(A, "import", db)).toMatchObject({
      created: false,
      run: { id: runs[0]!.id },
    });
  });

  it("is scheduled nightly before the scoring run that reads it", async () => {
    await upsertSchedules((name) => queue(name) as never);
    expect(await queue(QUEUE.analytics).getJobScheduler("schedule-sentiment")).toMatchObject({
      pattern: SENTIMENT_PATTERN,
      tz: "UTC",
    });
  });

  it("scores the shop's reviews by VADER without an OpenAI key, with progress", async () => {
    const imp = await db.dataImport.create({ data: { shop: A, kind: "reviews", source: "csv" } });
    await db.productReview.createMany({
      data: [
        { title: "Love it!", body: "Perfect.", rating: 5 },
        { title: "Not good", body: "Broke.", rating: 1 },
      ].map((r, i) => ({
        ...r,
        shop: A,
        source: "csv",
        externalId: String(i),
        productRef: "p",
        reviewedAt: new Date(),
        importId: imp.id,
      })),
    });
    const { run } = await requestSentimentScoring(A, "import", db);
    const progress: number[] = [];
    const result = await analyticsProcessor(db)(job("score-sentiment", { runId: run.id }, progress));
    expect(result).toEqual({ status: "computed", scored: 2 });
    expect(progress.at(-1)).toBeGreaterThan(90);
    const reviews = await db.productReview.findMany({ where: { shop: A }, orderBy: { externalId: "asc" } });
    expect(reviews.map((r) => [r.sentimentSource, Math.sign(r.sentiment!)])).toEqual([
      ["vader", 1],
      ["vader", -1],
    ]);
    expect(await db.sentimentRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "computed",
      scored: 2,
      summary: null,
    });
  });

  it("refuses a malformed payload without retrying", async () => {
    await expect(analyticsProcessor(db)(job("score-sentiment", { runId: "nope" }))).rejects.toThrow(
      /Invalid payload/,
    );
  });
});
