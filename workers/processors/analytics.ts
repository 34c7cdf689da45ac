import { UnrecoverableError, type Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { updateBandits } from "~/experiments/bandit.server";
import { markChurnFailed, runChurnRun } from "~/intelligence/churn/run.server";
import { requestChurnRun } from "~/intelligence/churn/start.server";
import { markFitFailed, runLifetimeValueFit } from "~/intelligence/clv/fit.server";
import { requestLifetimeValueFit } from "~/intelligence/clv/start.server";
import { computeSegments, startSegmentRun } from "~/intelligence/segments/compute.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";
import type { TypedQueue } from "~/jobs/queue.server";

const SHOP_PAGE = 1_000;

// The intelligence models' jobs: nightly fan-outs over the installed shops, and one shop's
// lifetime-value fit, segment run or churn run (each keyed by its row's id, so a repeat adds nothing).

export function analyticsProcessor(db: PrismaClient, analytics: TypedQueue<typeof QUEUE.analytics>) {
  return async (job: Job) => {
    switch (job.name) {
      case "schedule-lifetime-value":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return { shops: await forEachShop(db, (domain) => requestLifetimeValueFit(db, domain, "schedule")) };
      case "fit-lifetime-value": {
        const { fitId } = parseJobData<typeof QUEUE.analytics, "fit-lifetime-value">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        try {
          return await runLifetimeValueFit(db, fitId, {
            now: new Date(),
            onProgress: (progress) => job.updateProgress(Math.round(progress * 100)),
          });
        } catch (error) {
          // The fit stays "running" while BullMQ retries; the last attempt records the failure.
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await markFitFailed(
              db,
              fitId,
              "The computation stopped on an error; the previous values stay in use.",
            );
          throw error;
        }
      }
      case "schedule-segments":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return { shops: await startNightlyRuns(db, analytics, new Date()) };
      case "compute-segments": {
        const { runId } = parseJobData<typeof QUEUE.analytics, "compute-segments">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        return computeSegments(db, runId, { now: new Date(), onProgress: (p) => job.updateProgress(p) });
      }
      case "update-bandits":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return updateBandits(db, new Date());
      case "schedule-churn":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return { shops: await forEachShop(db, (domain) => requestChurnRun(db, domain, "schedule")) };
      case "compute-churn": {
        const { runId } = parseJobData<typeof QUEUE.analytics, "compute-churn">(
          QUEUE.analytics,
          job.name,
          job.data,
        );
        try {
          return await runChurnRun(db, runId, {
            now: new Date(),
            onProgress: (progress) => job.updateProgress(Math.round(progress * 100)),
          });
        } catch (error) {
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
            await markChurnFailed(
              db,
              runId,
              "The computation stopped on an error; the previous risks stay in use.",
            );
          throw error;
        }
      }
      default:
        parseJobData(QUEUE.analytics, job.name, job.data);
        throw new UnrecoverableError(`analytics job "${job.name}" has a schema but no processor`);
    }
  };
}

/** Calls `each` for every installed shop, a page at a time; answers how many there were. */
async function forEachShop(db: PrismaClient, each: (domain: string) => Promise<unknown>): Promise<number> {
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
    for (const { domain } of shops) await each(domain);
    total += shops.length;
    after = shops[shops.length - 1]!.domain;
  }
}

/** A segment run per installed shop; a shop whose run is still going keeps it (job id = run id). */
export async function startNightlyRuns(
  db: PrismaClient,
  analytics: TypedQueue<typeof QUEUE.analytics>,
  now: Date,
): Promise<number> {
  const runs: { id: string }[] = [];
  const total = await forEachShop(db, async (domain) => runs.push(await startSegmentRun(db, domain, now)));
  await analytics.addBulk(
    runs.map(({ id }) => ({ name: "compute-segments" as const, data: { runId: id }, opts: { jobId: id } })),
  );
  return total;
}
