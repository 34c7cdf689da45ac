import { describe, expect, it } from "vitest";
import { MAX_WEBHOOK_GROUP, parseJobData, QUEUE } from "~/jobs/definitions";
import { webhookJobs } from "~/jobs/producers.server";
import { processGroup } from "./webhooks";

const id = (n: number) => `00000000-0000-4000-8000-${n.toString().padStart(12, "0")}`;

describe("webhook jobs", () => {
  it("keeps a row recorded alone as its own job, named by its id", () => {
    expect(webhookJobs([id(1)])).toEqual([
      { name: "process-webhook", data: { eventId: id(1) }, opts: { jobId: id(1) } },
    ]);
  });

  it("puts rows recorded together in one job, at most MAX_WEBHOOK_GROUP rows each", () => {
    const ids = Array.from({ length: MAX_WEBHOOK_GROUP + 5 }, (_, i) => id(i + 1));
    const jobs = webhookJobs(ids);
    expect(jobs.map((j) => j.name)).toEqual(["process-webhooks", "process-webhooks"]);
    expect(jobs.flatMap((j) => ("eventIds" in j.data ? j.data.eventIds : []))).toEqual(ids);
    const groupIds = jobs.map((j) => j.opts.jobId);
    expect(new Set(groupIds).size).toBe(2);
    // Named by all of its rows: the same first row with other rows is another group.
    expect(webhookJobs(ids.slice(0, 2))[0]!.opts.jobId).not.toBe(groupIds[0]);
    expect(webhookJobs(ids)[0]!.opts.jobId).toBe(groupIds[0]);
    for (const job of jobs) expect(parseJobData(QUEUE.webhooks, job.name, job.data)).toEqual(job.data);
  });

  it("refuses an empty or oversized group as unrecoverable", () => {
    expect(() => parseJobData(QUEUE.webhooks, "process-webhooks", { eventIds: [] })).toThrow();
    const tooMany = Array.from({ length: MAX_WEBHOOK_GROUP + 1 }, (_, i) => id(i + 1));
    expect(() => parseJobData(QUEUE.webhooks, "process-webhooks", { eventIds: tooMany })).toThrow();
  });
});

describe("processGroup", () => {
  it("processes every row, counts the outcomes, and fails afterwards with a row's error so the job retries", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => id(i + 1));
    const seen: string[] = [];
    const boom = new Error("deadlock detected");
    const run = processGroup(ids, async (eventId) => {
      seen.push(eventId);
      await new Promise((r) => setTimeout(r, 1));
      if (eventId === id(3)) throw boom;
      return eventId === id(7) ? "already-processed" : "processed";
    });
    await expect(run).rejects.toBe(boom);
    expect([...seen].sort()).toEqual(ids);
    expect(await processGroup(ids.slice(3), async () => "processed")).toEqual({ processed: 17 });
  });
});
