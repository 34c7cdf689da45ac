import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { requestRewardRecommendationRun } from "~/intelligence/rewards/start.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { currentProgramVersion, saveProgram } from "~/loyalty/services/program.server";
import { redis } from "~/redis.server";
import { demoProgram } from "../../simulator/history";
import { resetDatabase } from "~tests/support/webhooks.server";
import { fakeJob as job } from "~tests/support/jobs";
import { analyticsProcessor } from "./analytics";

// The reward-recommendation job on the analytics queue (nightly it is a stage of the scoring
// run, app/intelligence/scoring): an on-demand request deduplicated, the run itself with progress (a new shop: the affordability
// rule with its reason), a malformed payload refused.

const db = prisma();
const A = "rewards-job-a.myshopify.com";
const B = "rewards-job-b.myshopify.com";
const GONE = "rewards-job-gone.myshopify.com";

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

describe("analytics processor: reward recommendations", () => {
  it("asking twice while a run waits gives the one run and the one job", async () => {
    const first = await requestRewardRecommendationRun(db, A, "merchant");
    const again = await requestRewardRecommendationRun(db, A, "merchant");
    expect(again).toMatchObject({ created: false, run: { id: first.run.id } });
    const jobs = await queue(QUEUE.analytics).getJobs(["waiting"]);
    expect(jobs.filter((j) => j.name === "compute-reward-recommendations").map((j) => j.id)).toEqual([
      first.run.id,
    ]);
  });

  it("runs with progress; a shop without redemptions gets the affordability rule and the reason", async () => {
    const { version } = await currentProgramVersion(db, A);
    await saveProgram(db, A, demoProgram("USD"), { basedOn: version, createdBy: "test", note: "test" });
    await db.member.create({ data: { shop: A, customerId: 7n, availablePoints: 600 } });
    await db.ledgerEntry.create({
      data: {
        shop: A,
        customerId: 7n,
        key: "a:7:adjust",
        kind: "adjustment",
        points: 600,
        bucket: "available",
        occurredAt: new Date(Date.now() - 86_400_000),
        programVersion: 1,
      },
    });
    const { run } = await requestRewardRecommendationRun(db, A, "merchant");
    const progress: number[] = [];
    const result = await analyticsProcessor(db)(
      job("compute-reward-recommendations", { runId: run.id }, progress),
    );
    expect(result).toMatchObject({ status: "computed", method: "affordability", members: 1 });
    const stored = await db.rewardRecommendationRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.reason).toMatch(/not enough members/);
    expect(progress.length).toBeGreaterThan(0);
    const pick = await db.memberRewardRecommendation.findFirstOrThrow({ where: { shop: A } });
    // 600 points afford every reward; the most valuable is $15 off (500 points).
    expect(pick).toMatchObject({
      method: "affordability",
      rewardId: "fifteen-off",
      pointsGap: 0,
      probability: null,
    });
  });

  it("refuses a malformed payload without retrying", async () => {
    await expect(
      analyticsProcessor(db)(job("compute-reward-recommendations", { runId: "nope" })),
    ).rejects.toThrow(/Invalid payload/);
  });
});
