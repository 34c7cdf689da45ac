import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { redis } from "~/redis.server";
import { QUEUE } from "./definitions";
import { enqueueWebhooks } from "./producers.server";
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
