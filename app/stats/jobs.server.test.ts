import type { Job } from "bullmq";
import { beforeEach, describe, expect, it } from "vitest";
import { maintenanceProcessor } from "../../workers/processors/maintenance";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { createQueue } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";

const db = prisma();
const SHOP = "stats-job.myshopify.com";
const run = (data: object) =>
  maintenanceProcessor(
    db,
    createQueue(QUEUE.webhooks, redis()),
    createQueue(QUEUE.backfill, redis()),
  )({
    name: "refresh-loyalty-stats",
    data,
  } as Job);

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.createMany({
    data: [{ domain: SHOP }, { domain: "gone.myshopify.com", status: "uninstalled" }],
  });
  await db.member.create({ data: { shop: SHOP, customerId: 1n, availablePoints: 40 } });
  await db.ledgerEntry.create({
    data: {
      shop: SHOP,
      customerId: 1n,
      key: "k",
      kind: "bonus",
      points: 40,
      bucket: "available",
      occurredAt: new Date("2025-01-01T00:00:00Z"),
      programVersion: 1,
    },
  });
});

describe("the refresh-loyalty-stats job", () => {
  it("refreshes every installed shop when scheduled without a shop", async () => {
    expect(await run({})).toEqual({ shops: 1, days: expect.any(Number), orderStats: expect.any(Number) });
    const snapshot = await db.loyaltyStatsSnapshot.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(snapshot.availablePoints).toBe(40n);
    expect(await db.loyaltyStatsSnapshot.count()).toBe(1);
  });

  it("recomputes one shop's whole history when asked for a full refresh", async () => {
    await run({ shop: SHOP, full: true });
    const day = await db.loyaltyStatsDaily.findUniqueOrThrow({
      where: { shop_day: { shop: SHOP, day: new Date("2025-01-01") } },
    });
    expect(day.pointsIssued).toBe(40n);
  });

  it("rejects a malformed payload without retrying", async () => {
    await expect(run({ shop: 42 })).rejects.toThrow(/Invalid payload/);
  });
});
