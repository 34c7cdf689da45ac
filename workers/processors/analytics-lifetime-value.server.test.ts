import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { requestLifetimeValueFit } from "~/intelligence/clv/start.server";
import { closeQueues } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { fakeJob as job } from "~tests/support/jobs";
import { analyticsProcessor } from "./analytics";

const db = prisma();
const A = "clv-job-a.myshopify.com";
const B = "clv-job-b.myshopify.com";
const GONE = "clv-job-gone.myshopify.com";

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

describe("analytics processor", () => {
  it("runs a fit with progress and records a shop without enough history with what it needs", async () => {
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
        processedAt: new Date(Date.now() - 86_400_000),
      },
    });
    const { fit } = await requestLifetimeValueFit(db, A, "merchant");
    const progress: number[] = [];
    const result = await analyticsProcessor(db)(job("fit-lifetime-value", { fitId: fit.id }, progress));
    expect(result).toEqual({ status: "notEnoughData", members: 0 });
    const stored = await db.lifetimeValueFit.findUniqueOrThrow({ where: { id: fit.id } });
    expect(stored).toMatchObject({ status: "notEnoughData", customers: 1, repeatBuyers: 0 });
    expect(stored.reason).toMatch(/at least 50 customers/);
    expect(progress.length).toBeGreaterThan(0);
  });

  it("refuses a malformed payload without retrying", async () => {
    await expect(analyticsProcessor(db)(job("fit-lifetime-value", { fitId: "nope" }))).rejects.toThrow(
      /Invalid payload/,
    );
  });
});
