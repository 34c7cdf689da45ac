import type { Job } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { analyticsProcessor, startNightlyRuns } from "./analytics";

const db = prisma();
const A = "segments-a.myshopify.com";
const B = "segments-b.myshopify.com";
const GONE = "segments-gone.myshopify.com";

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await db.shop.createMany({ data: [{ domain: A }, { domain: B }, { domain: GONE, status: "uninstalled" }] });
});
afterAll(async () => {
  await closeQueues();
});

describe("analytics processor", () => {
  it("starts one segment run per installed shop, and a second tick joins the runs in progress", async () => {
    const analytics = queue(QUEUE.analytics);
    const now = new Date();
    expect(await startNightlyRuns(db, analytics, now)).toBe(2);
    expect(await startNightlyRuns(db, analytics, now)).toBe(2);
    const runs = await db.segmentRun.findMany({ orderBy: { shop: "asc" } });
    expect(runs.map((r) => r.shop)).toEqual([A, B]);
    const jobs = await analytics.getJobs(["waiting"]);
    expect(jobs.map((j) => j.id).sort()).toEqual(runs.map((r) => r.id).sort());
  });

  it("computes the run named in the job, reporting progress to BullMQ", async () => {
    const run = await db.segmentRun.create({ data: { shop: A } });
    const progress: number[] = [];
    const job = {
      name: "compute-segments",
      data: { runId: run.id },
      updateProgress: async (p: number) => void progress.push(p),
    } as unknown as Job;
    expect(await analyticsProcessor(db, queue(QUEUE.analytics))(job)).toEqual({
      skipped: false,
      members: 0,
      buyers: 0,
    });
    expect(progress).toEqual([30, 70, 100]);
    expect(await db.segmentRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "completed",
      summary: expect.objectContaining({
        notEnoughData: expect.objectContaining({ reason: "0 of 0 members have placed an order." }),
      }),
    });
  });

  it("refuses a job without a run id as unrecoverable", async () => {
    const job = { name: "compute-segments", data: {} } as unknown as Job;
    await expect(analyticsProcessor(db, queue(QUEUE.analytics))(job)).rejects.toThrow(/Invalid payload/);
  });
});
