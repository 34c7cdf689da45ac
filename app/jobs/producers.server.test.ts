import { randomUUID } from "node:crypto";
import { Worker } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { env } from "~/env.server";
import { createRedis, redis } from "~/redis.server";
import { QUEUE } from "./definitions";
import { ShopShares } from "./fairness";
import { enqueueWebhooks, fairWebhookJobs } from "./producers.server";
import { closeQueues, queue } from "./queue.server";

async function queuedEventIds(): Promise<Set<string>> {
  const jobs = await queue(QUEUE.webhooks).getJobs(["waiting", "delayed", "prioritized"]);
  return new Set(
    jobs.flatMap((job) => {
      const data = job.data as { eventId?: string; eventIds?: string[] };
      return data.eventIds ?? (data.eventId ? [data.eventId] : []);
    }),
  );
}

beforeEach(async () => {
  await redis().flushdb();
});
afterAll(async () => {
  await closeQueues();
});

describe("enqueueWebhooks", () => {
  // Issue 11 #5: a redelivery of a row still `received` is enqueued again. When it headed
  // a new group, the group's job id (`group-<first row>`) was the id of the row's first
  // group job, and BullMQ dropped the new job with every new row in it.
  it("enqueues every new row when a re-delivered, still-received row heads the group", async () => {
    const redelivered = randomUUID();
    await enqueueWebhooks([redelivered, randomUUID()]);
    const newRows = Array.from({ length: 250 }, () => randomUUID());

    await enqueueWebhooks([redelivered, ...newRows]);

    const queued = await queuedEventIds();
    expect(newRows.filter((id) => !queued.has(id))).toEqual([]);
  });

  it("still adds nothing when the same rows are enqueued together twice", async () => {
    const rows = [randomUUID(), randomUUID(), randomUUID()];
    await enqueueWebhooks(rows);
    await enqueueWebhooks(rows);
    expect(await queue(QUEUE.webhooks).getJobCounts("waiting")).toEqual({ waiting: 1 });
  });
});

describe("per-shop fairness", () => {
  it("splits a heavy shop's rows from the rest, and its jobs wait behind the others'", async () => {
    const tally = new ShopShares();
    const q = queue(QUEUE.webhooks);
    // A flash sale: 300 of the last rows were one shop's, 40 were others'.
    for (let i = 0; i < 40; i++) tally.add(`quiet-${i}.myshopify.com`, 1, 0);
    tally.add("flash.myshopify.com", 300, 0);
    const flash = Array.from({ length: 30 }, () => ({ eventId: randomUUID(), shop: "flash.myshopify.com" }));
    const quiet = ["quiet-1", "quiet-2"].map((name) => ({
      eventId: randomUUID(),
      shop: `${name}.myshopify.com`,
    }));
    const jobs = fairWebhookJobs([...flash.slice(0, 15), quiet[0]!, ...flash.slice(15), quiet[1]!], {
      tally,
      now: 0,
    });
    await q.addBulk(jobs);

    // The other shops' rows still share one job, as the intake recorded them together.
    expect(jobs).toHaveLength(2);
    const [light, heavy] = jobs;
    expect(heavy!.data).toEqual({ eventIds: flash.map((r) => r.eventId) });
    expect(heavy!.opts).toMatchObject({ priority: 5 });
    expect(light!.data).toEqual({ eventIds: quiet.map((r) => r.eventId) });
    expect("priority" in light!.opts).toBe(false);
    // Added first, taken second: the waiting list goes before the prioritized set.
    expect(await q.getJobCounts("waiting", "prioritized")).toEqual({ waiting: 1, prioritized: 1 });
    const connection = createRedis(env().REDIS_URL);
    const worker = new Worker(QUEUE.webhooks, null, { connection });
    try {
      const first = await worker.getNextJob("tenants-test");
      expect(first?.data).toEqual(light!.data);
      const second = await worker.getNextJob("tenants-test");
      expect(second?.data).toEqual(heavy!.data);
    } finally {
      await worker.close();
      await connection.quit();
    }
  });

  it("gives no priority with fairness off, nor to rows without a shop", () => {
    const tally = new ShopShares();
    for (let i = 0; i < 40; i++) tally.add(`quiet-${i}.myshopify.com`, 1, 0);
    tally.add("flash.myshopify.com", 300, 0);
    const rows = [randomUUID(), randomUUID()].map((eventId) => ({ eventId, shop: "flash.myshopify.com" }));
    expect(fairWebhookJobs(rows, { tally, now: 0, enabled: false })[0]!.opts).not.toHaveProperty("priority");
    expect(fairWebhookJobs([randomUUID(), randomUUID()], { tally, now: 0 })[0]!.opts).not.toHaveProperty(
      "priority",
    );
  });
});
