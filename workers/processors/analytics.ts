import { UnrecoverableError, type Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { markFitFailed, runLifetimeValueFit } from "~/intelligence/clv/fit.server";
import { requestLifetimeValueFit } from "~/intelligence/clv/start.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";

const SHOP_PAGE = 1_000;

export function analyticsProcessor(db: PrismaClient) {
  return async (job: Job) => {
    switch (job.name) {
      case "schedule-lifetime-value":
        parseJobData(QUEUE.analytics, job.name, job.data);
        return { shops: await fanOut(db) };
      case "fit-lifetime-value": {
        const { fitId } = parseJobData(QUEUE.analytics, "fit-lifetime-value", job.data);
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
      default:
        parseJobData(QUEUE.analytics, job.name, job.data);
        throw new UnrecoverableError(`analytics job "${job.name}" has a schema but no processor`);
    }
  };
}

/** A fit per installed shop (requestLifetimeValueFit answers an active one instead of adding another). */
async function fanOut(db: PrismaClient): Promise<number> {
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
    for (const { domain } of shops) await requestLifetimeValueFit(db, domain, "schedule");
    total += shops.length;
    after = shops[shops.length - 1]!.domain;
  }
}
