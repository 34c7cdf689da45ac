import type { Job, Queue } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { PRUNE_INBOX_EVERY_MS, upsertSchedules } from "~/jobs/schedules.server";
import { maintenanceProcessor } from "../../workers/processors/maintenance";
import { pruneInbox } from "./retention.server";
import { resetDatabase } from "~tests/support/webhooks.server";

const db = prisma();
const NOW = new Date("2026-03-01T12:00:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

type Row = {
  status: "received" | "processed" | "failed";
  received: number;
  processed?: number;
  shop?: string;
};

async function seed(rows: Record<string, Row>) {
  await db.webhookEvent.createMany({
    data: Object.entries(rows).map(([webhookId, r]) => ({
      shop: r.shop ?? "retention.myshopify.com",
      topic: "orders/paid",
      webhookId,
      payload: { id: 1, email: "someone@example.com" },
      status: r.status,
      receivedAt: daysAgo(r.received),
      processedAt: r.processed === undefined ? null : daysAgo(r.processed),
    })),
  });
}

const remaining = async () =>
  (await db.webhookEvent.findMany({ select: { webhookId: true }, orderBy: { webhookId: "asc" } })).map(
    (r) => r.webhookId,
  );

beforeEach(async () => {
  await resetDatabase(db);
});
afterAll(async () => {
  await closeQueues();
});

describe("pruneInbox", () => {
  it("deletes processed rows past the retention period, in batches, and nothing else", async () => {
    await seed({
      "old-1": { status: "processed", received: 30, processed: 30 },
      "old-2": { status: "processed", received: 20, processed: 20 },
      "old-3": { status: "processed", received: 15, processed: 15 },
      "old-4": { status: "processed", received: 15, processed: 14.5, shop: "other.myshopify.com" },
      "old-5": { status: "processed", received: 40, processed: 39 },
      // Kept: within the period, replayed recently, or work not yet done.
      recent: { status: "processed", received: 13, processed: 13 },
      "replayed-lately": { status: "processed", received: 30, processed: 2 },
      "waiting-old": { status: "received", received: 60 },
      "failed-old": { status: "failed", received: 60 },
    });
    expect(await pruneInbox({ db, now: () => NOW, retentionDays: 14, batchSize: 2 })).toEqual({ deleted: 5 });
    expect(await remaining()).toEqual(["failed-old", "recent", "replayed-lately", "waiting-old"]);
    // Nothing left to do: a second run deletes nothing.
    expect(await pruneInbox({ db, now: () => NOW, retentionDays: 14 })).toEqual({ deleted: 0 });
  });

  it("never waits for a row another transaction holds: it skips it and the next run takes it", async () => {
    await seed({
      held: { status: "processed", received: 30, processed: 30 },
      free: { status: "processed", received: 30, processed: 30 },
    });
    const held = await db.webhookEvent.findFirstOrThrow({ where: { webhookId: "held" } });
    // A worker re-checking a redelivery holds its row (processWebhookEvent locks it FOR UPDATE).
    await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "WebhookEvent" WHERE "id" = ${held.id}::uuid FOR UPDATE`;
      const started = Date.now();
      expect(await pruneInbox({ db, now: () => NOW, retentionDays: 14 })).toEqual({ deleted: 1 });
      expect(Date.now() - started).toBeLessThan(2_000);
    });
    expect(await remaining()).toEqual(["held"]);
    expect(await pruneInbox({ db, now: () => NOW, retentionDays: 14 })).toEqual({ deleted: 1 });
  });
});

describe("the prune-inbox job", () => {
  it("is scheduled hourly and prunes with WEBHOOK_RETENTION_DAYS", async () => {
    await upsertSchedules((name) => queue(name) as unknown as Queue);
    expect(await queue(QUEUE.maintenance).getJobScheduler("prune-inbox")).toMatchObject({
      every: PRUNE_INBOX_EVERY_MS,
    });
    expect(PRUNE_INBOX_EVERY_MS).toBe(3_600_000);

    const days = env().WEBHOOK_RETENTION_DAYS;
    const real = (d: number) => new Date(Date.now() - d * 86_400_000);
    await db.webhookEvent.createMany({
      data: [days + 1, days - 1].map((d, i) => ({
        shop: "retention.myshopify.com",
        topic: "orders/paid",
        webhookId: `job-${i}`,
        payload: {},
        status: "processed" as const,
        receivedAt: real(d),
        processedAt: real(d),
      })),
    });
    const run = maintenanceProcessor(db, queue(QUEUE.webhooks), queue(QUEUE.backfill));
    expect(await run({ name: "prune-inbox", data: {} } as Job)).toEqual({ deleted: 1 });
    expect(await remaining()).toEqual(["job-1"]);
  });
});
