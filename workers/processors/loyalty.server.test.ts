import type { Job } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { startHoldout } from "~/experiments/experiments.server";
import { appendEntries, lockMember } from "~/loyalty/services/ledger.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { fanOut, loyaltyProcessor } from "./loyalty";

const db = prisma();
const A = "fanout-a.myshopify.com";
const B = "fanout-b.myshopify.com";
const GONE = "fanout-gone.myshopify.com";

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

describe("loyalty processor", () => {
  it("fans out one run per installed shop and period, however often the tick is delivered", async () => {
    const loyalty = queue(QUEUE.loyalty);
    const now = new Date("2025-06-01T10:15:00Z");
    expect(await fanOut(db, loyalty, now)).toBe(2);
    await fanOut(db, loyalty, new Date("2025-06-01T10:45:00Z"));
    const jobs = await loyalty.getJobs(["waiting"]);
    expect(
      jobs.map((j) => j.data).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    ).toEqual([{ shop: A }, { shop: B }]);
    await fanOut(db, loyalty, new Date("2025-06-01T11:01:00Z"));
    expect(await loyalty.getJobCountByTypes("waiting")).toBe(4);
  });

  it("runs the scheduled work for the shop named in the job", async () => {
    await db.member.create({ data: { shop: A, customerId: 1n } });
    const past = new Date(Date.now() - 40 * 86_400_000);
    await db.$transaction(async (tx) => {
      const member = await lockMember(tx, A, 1n);
      await appendEntries(tx, member!, [
        {
          key: `${A}:order:1:earn`,
          kind: "earn",
          points: 12,
          bucket: "pending",
          occurredAt: past,
          availableAt: new Date(past.getTime() + 30 * 86_400_000),
          programVersion: 1,
        },
      ]);
    });
    const run = loyaltyProcessor(db, queue(QUEUE.loyalty));
    const result = await run({ name: "run-scheduled-loyalty", data: { shop: A } } as Job);
    expect(result).toMatchObject({ members: 1, released: 1, failed: 0 });
    await expect(run({ name: "run-scheduled-loyalty", data: {} } as Job)).rejects.toThrow(/Invalid payload/);
  });

  it("sweeps exposures: the sweep-exposures job and the hourly run expose members a running experiment has not", async () => {
    const launched = new Date(Date.now() - 86_400_000);
    const holdout = await startHoldout(db, A, { sharePercent: 10 }, { now: launched });
    if (!holdout.ok) throw new Error(holdout.message);
    await db.member.createMany({
      data: [1n, 2n, 3n].map((customerId) => ({
        shop: A,
        customerId,
        createdAt: new Date(launched.getTime() - 1),
      })),
    });
    const run = loyaltyProcessor(db, queue(QUEUE.loyalty));
    expect(await run({ name: "sweep-exposures", data: { shop: A } } as Job)).toMatchObject({ exposed: 3 });
    expect(await run({ name: "sweep-exposures", data: { shop: A } } as Job)).toMatchObject({ exposed: 0 });
    const joined = new Date();
    await db.member.create({ data: { shop: A, customerId: 4n, createdAt: joined } });
    const hourly = await run({ name: "run-scheduled-loyalty", data: { shop: A } } as Job);
    expect(hourly).toMatchObject({ exposures: { exposed: 1 } });
    const late = await db.experimentExposure.findFirstOrThrow({ where: { shop: A, customerId: 4n } });
    expect(late.exposedAt).toEqual(joined);
    await expect(run({ name: "sweep-exposures", data: {} } as Job)).rejects.toThrow(/Invalid payload/);
  });
});
