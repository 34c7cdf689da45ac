import { UnrecoverableError, type Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";
import type { TypedQueue } from "~/jobs/queue.server";
import { computeSegments, startSegmentRun } from "~/intelligence/segments/compute.server";

const SHOP_PAGE = 1_000;

export function analyticsProcessor(db: PrismaClient, analytics: TypedQueue<typeof QUEUE.analytics>) {
  return async (job: Job) => {
    switch (job.name) {
      case "schedule-segments":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return { shops: await startNightlyRuns(db, analytics, new Date()) };
      case "compute-segments": {
        const { runId } = parseJobData(QUEUE.analytics, "compute-segments", job.data);
        return computeSegments(db, runId, { now: new Date(), onProgress: (p) => job.updateProgress(p) });
      }
      default:
        parseJobData(QUEUE.analytics, job.name, job.data);
        throw new UnrecoverableError(`analytics job "${job.name}" has a schema but no processor`);
    }
  };
}

/** A segment run per installed shop; a shop whose run is still going keeps it (job id = run id). */
export async function startNightlyRuns(
  db: PrismaClient,
  analytics: TypedQueue<typeof QUEUE.analytics>,
  now: Date,
): Promise<number> {
  let after = "";
  let total = 0;
  for (;;) {
    const shops = await db.shop.findMany({
      where: { status: "installed", domain: { gt: after } },
      orderBy: { domain: "asc" },
      take: SHOP_PAGE,
      select: { domain: true },
    });
    if (shops.length === 0) return total;
    const runs = [];
    for (const { domain } of shops) runs.push(await startSegmentRun(db, domain, now));
    await analytics.addBulk(
      runs.map(({ id }) => ({ name: "compute-segments" as const, data: { runId: id }, opts: { jobId: id } })),
    );
    total += shops.length;
    after = shops[shops.length - 1]!.domain;
  }
}
