import type { Job } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { closeQueues } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { analyticsProcessor } from "./analytics";

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
  it("computes the run named in the job, reporting progress to BullMQ", async () => {
    const run = await db.segmentRun.create({ data: { shop: A } });
    const progress: number[] = [];
    const job = {
      name: "compute-segments",
      data: { runId: run.id },
      updateProgress: async (p: number) => void progress.push(p),
    } as unknown as Job;
    expect(await analyticsProcessor(db)(job)).toEqual({
      skipped: false,
      members: 0,
      buyers: 0,
    });
    expect(progress).toEqual([30, 70, 80, 100]);
    expect(await db.segmentRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "completed",
      summary: expect.objectContaining({
        notEnoughData: expect.objectContaining({ reason: "0 of 0 members have placed an order." }),
      }),
    });
  });

  it("refuses a job without a run id as unrecoverable", async () => {
    const job = { name: "compute-segments", data: {} } as unknown as Job;
    await expect(analyticsProcessor(db)(job)).rejects.toThrow(/Invalid payload/);
  });
});
