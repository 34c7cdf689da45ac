import { UnrecoverableError, type Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { sweepExposures } from "~/experiments/exposure-sweep.server";
import { enqueueMetafieldSync } from "~/jobs/producers.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";
import type { TypedQueue } from "~/jobs/queue.server";
import { SCHEDULED_LOYALTY_EVERY_MS } from "~/jobs/schedules.server";
import { runScheduledLoyalty } from "~/loyalty/services/scheduled.server";

const SHOP_PAGE = 1_000;

export function loyaltyProcessor(db: PrismaClient, loyalty: TypedQueue<typeof QUEUE.loyalty>) {
  return async (job: Job) => {
    switch (job.name) {
      case "schedule-loyalty":
        parseJobData(QUEUE.loyalty, job.name, job.data);
        return { shops: await fanOut(db, loyalty, new Date()) };
      case "run-scheduled-loyalty": {
        const { shop } = parseJobData(QUEUE.loyalty, "run-scheduled-loyalty", job.data);
        const now = new Date();
        const scheduled = await runScheduledLoyalty(db, shop, { now });
        return { ...scheduled, exposures: await sweep(db, shop, now) };
      }
      case "sweep-exposures": {
        const { shop } = parseJobData(QUEUE.loyalty, "sweep-exposures", job.data);
        return sweep(db, shop, new Date());
      }
      default:
        parseJobData(QUEUE.loyalty, job.name, job.data);
        throw new UnrecoverableError(`loyalty job "${job.name}" has a schema but no processor`);
    }
  };
}

/** The shop's due exposures; members whose tier perk changed with them get a metafield sync. */
async function sweep(db: PrismaClient, shop: string, now: Date) {
  const swept = await sweepExposures(db, shop, now);
  if (swept.resync) await enqueueMetafieldSync(shop);
  return swept;
}

/**
 * One run job per installed shop. The job id names the shop and the schedule period, so
 * a scheduler tick delivered twice (or two workers fanning out at once) adds each shop once.
 */
export async function fanOut(
  db: PrismaClient,
  loyalty: TypedQueue<typeof QUEUE.loyalty>,
  now: Date,
): Promise<number> {
  const period = Math.floor(now.getTime() / SCHEDULED_LOYALTY_EVERY_MS);
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
    await loyalty.addBulk(
      shops.map(({ domain }) => ({
        name: "run-scheduled-loyalty" as const,
        data: { shop: domain },
        opts: { jobId: `scheduled-loyalty_${domain}_${period}` },
      })),
    );
    total += shops.length;
    after = shops[shops.length - 1]!.domain;
  }
}
