import type { Job } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { requestLifetimeValueFit } from "~/intelligence/clv/start.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { LIFETIME_VALUE_PATTERN, upsertSchedules } from "~/jobs/schedules.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
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

const job = (name: string, data: unknown, progress: number[] = []) =>
  ({
    name,
    data,
    attemptsMade: 0,
    opts: { attempts: 3 },
    updateProgress: async (p: number) => void progress.push(p),
  }) as unknown as Job;

describe("analytics processor", () => {
  it("the nightly tick asks for one fit per installed shop, once however often it is delivered", async () => {
    const run = analyticsProcessor(db, queue(QUEUE.analytics));
    expect(await run(job("schedule-lifetime-value", {}))).toEqual({ shops: 2 });
    await run(job("schedule-lifetime-value", {}));
    const fits = await db.lifetimeValueFit.findMany({ orderBy: { shop: "asc" } });
    expect(fits.map((f) => [f.shop, f.status, f.trigger])).toEqual([
      [A, "queued", "schedule"],
      [B, "queued", "schedule"],
    ]);
    const jobs = await queue(QUEUE.analytics).getJobs(["waiting"]);
    expect(jobs.map((j) => j.id).sort()).toEqual(fits.map((f) => f.id).sort());
    // The merchant's button while the nightly fit waits gets the same fit.
    const asked = await requestLifetimeValueFit(db, A, "merchant");
    expect(asked).toMatchObject({ created: false, fit: { id: fits[0]!.id } });
  });

  it("is scheduled nightly by cron pattern", async () => {
    await upsertSchedules((name) => queue(name) as never);
    expect(await queue(QUEUE.analytics).getJobScheduler("schedule-lifetime-value")).toMatchObject({
      pattern: LIFETIME_VALUE_PATTERN,
      tz: "UTC",
    });
  });

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
    const result = await analyticsProcessor(
      db,
      queue(QUEUE.analytics),
    )(job("fit-lifetime-value", { fitId: fit.id }, progress));
    expect(result).toEqual({ status: "notEnoughData", members: 0 });
    const stored = await db.lifetimeValueFit.findUniqueOrThrow({ where: { id: fit.id } });
    expect(stored).toMatchObject({ status: "notEnoughData", customers: 1, repeatBuyers: 0 });
    expect(stored.reason).toMatch(/at least 50 customers/);
    expect(progress.length).toBeGreaterThan(0);
  });

  it("refuses a malformed payload without retrying", async () => {
    await expect(
      analyticsProcessor(db, queue(QUEUE.analytics))(job("fit-lifetime-value", { fitId: "nope" })),
    ).rejects.toThrow(/Invalid payload/);
  });
});
