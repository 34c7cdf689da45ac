import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { requestChurnRun } from "~/intelligence/churn/start.server";
import { closeQueues } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { fakeJob as job } from "~tests/support/jobs";
import { analyticsProcessor } from "./analytics";

// The churn job on the analytics queue (the page's Recompute; nightly, churn runs inside the
// full scoring: analytics-scoring.server.test.ts): the run with progress, a malformed payload refused.

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

describe("analytics processor: churn", () => {
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
    const result = await analyticsProcessor(db)(job("compute-churn", { runId: run.id }, progress));
    expect(result).toEqual({ status: "notEnoughData", members: 0 });
    const stored = await db.churnRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: "notEnoughData", customers: 1, progress: 1 });
    expect(stored.reason).toMatch(/50/);
    expect(progress.length).toBeGreaterThan(0);
  });

  it("refuses a malformed payload without retrying", async () => {
    await expect(analyticsProcessor(db)(job("compute-churn", { runId: "nope" }))).rejects.toThrow(
      /Invalid payload/,
    );
  });
});
