import { UnrecoverableError, type Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";
import { parseJobData, QUEUE, type JobData } from "~/jobs/definitions";
import { sweepBackfills } from "~/backfill/sweep.server";
import { refreshExperimentAggregates } from "~/experiments/aggregates.server";
import { requeueBackfill, requeueWebhook } from "~/jobs/producers.server";
import type { TypedQueue } from "~/jobs/queue.server";
import { refreshAllOrderStats } from "~/stats/order-stats.server";
import { refreshAllShops, refreshLoyaltyStats } from "~/stats/refresh.server";
import { pruneInbox } from "~/webhooks/retention.server";
import { SWEEP_AFTER_MINUTES, sweepInbox } from "~/webhooks/sweeper.server";

const BACKFILL_SWEEP_AFTER_MS = 30_000;

export function maintenanceProcessor(
  db: PrismaClient,
  webhooks: TypedQueue<typeof QUEUE.webhooks>,
  backfill: TypedQueue<typeof QUEUE.backfill>,
  options: { sweepAfterMinutes?: number } = {},
) {
  return async (job: Job) => {
    const data = parseJobData(QUEUE.maintenance, job.name, job.data);
    switch (job.name) {
      case "sweep-inbox": {
        const { catchUp } = data as JobData<typeof QUEUE.maintenance, "sweep-inbox">;
        const afterMinutes = catchUp ? 0 : (options.sweepAfterMinutes ?? SWEEP_AFTER_MINUTES);
        const inbox = await sweepInbox({
          db,
          enqueue: (eventId) => requeueWebhook(webhooks, eventId),
          now: () => new Date(),
          afterMinutes,
        });
        const backfills = await sweepBackfills({
          db,
          enqueue: (runId) => requeueBackfill(backfill, runId),
          // A queued run starts within seconds when its job exists: half a minute is enough
          // to tell one whose enqueue failed, and re-adding one that exists changes nothing.
          olderThan: new Date(Date.now() - Math.min(afterMinutes * 60_000, BACKFILL_SWEEP_AFTER_MS)),
        });
        return { ...inbox, ...backfills };
      }
      case "prune-inbox":
        return pruneInbox({ db, now: () => new Date(), retentionDays: env().WEBHOOK_RETENTION_DAYS });
      case "refresh-loyalty-stats": {
        const { shop, full } = data as JobData<typeof QUEUE.maintenance, "refresh-loyalty-stats">;
        const now = new Date();
        if (!shop) {
          // The members list's order statistics too, so their stale log stays short (ADR 0026).
          const orderStats = await refreshAllOrderStats(db);
          return { ...(await refreshAllShops(db, now)), orderStats };
        }
        // A job's return value is stored as JSON: the ledger cursor (BigInt) goes as a string.
        const result = await refreshLoyaltyStats(db, shop, { now, full });
        return { ...result, lastLedgerId: String(result.lastLedgerId) };
      }
      case "refresh-experiment-aggregates": {
        const { shop, experimentId } = data as JobData<
          typeof QUEUE.maintenance,
          "refresh-experiment-aggregates"
        >;
        return refreshExperimentAggregates(db, { now: new Date(), shop, experimentId });
      }
      default:
        // parseJobData already rejects names without a schema; this keeps the two in step.
        throw new UnrecoverableError(`maintenance job "${job.name}" has a schema but no processor`);
    }
  };
}
