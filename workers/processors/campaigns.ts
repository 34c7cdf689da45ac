import { DelayedError, UnrecoverableError, type Job, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { deliverSend, type DeliveryDeps } from "~/campaigns/deliver.server";
import { dueBroadcastRuns, runBroadcast } from "~/campaigns/broadcasts.server";
import {
  enqueueBroadcastRun,
  enqueueSends,
  requeueSend,
  SEND_JOB_OPTIONS,
  shopsWithTriggers,
  staleSends,
  type CampaignsQueue,
} from "~/campaigns/jobs.server";
import { purgeExpiredInboxMessages, shopsWithExpiredInboxMessages } from "~/campaigns/inbox-purge.server";
import { scanTriggers } from "~/campaigns/scan.server";
import { rateSlots } from "~/campaigns/send-rate.server";
import { refreshSendTimes, shopsWithCampaignsOn } from "~/campaigns/send-time/refresh.server";
import { scanScheduledTriggers, shopsWithScheduledTriggers } from "~/campaigns/scheduled-scan.server";
import type { PrismaClient } from "~/db.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";
import { unsubscribeCustomerEmail, unsubscribeCustomerSms } from "~/shopify/customer-consent.server";
import type { AdminFor } from "./shopify-sync";

export type CampaignsProcessorOptions = {
  /** Attempts and backoff of delivery jobs (tests shorten the backoff). */
  sendJobOptions?: JobsOptions;
  delivery?: DeliveryDeps;
};

export function campaignsProcessor(
  db: PrismaClient,
  campaigns: CampaignsQueue,
  connection: Redis,
  adminFor: AdminFor,
  options: CampaignsProcessorOptions = {},
) {
  const sendOptions = options.sendJobOptions ?? SEND_JOB_OPTIONS;
  const delivery: DeliveryDeps = { takeRateSlot: rateSlots(connection), ...options.delivery };
  return async (job: Job, token?: string) => {
    switch (job.name) {
      case "schedule-campaigns": {
        parseJobData(QUEUE.campaigns, job.name, job.data);
        const shops = await shopsWithTriggers(db);
        await campaigns.addBulk(
          shops.map((shop) => ({
            name: "scan-campaign-triggers" as const,
            data: { shop },
            opts: { deduplication: { id: `scan-campaign-triggers_${shop}` } },
          })),
        );
        let requeued = 0;
        for (const shop of shops) {
          for (const sendId of await staleSends(db, shop, new Date())) {
            await requeueSend(campaigns, sendId, sendOptions);
            requeued += 1;
          }
        }
        // Broadcasts whose time has come (or whose worker died mid-run) and have no job waiting.
        const now = new Date();
        const runs = await dueBroadcastRuns(db, now);
        for (const runId of runs) await enqueueBroadcastRun(campaigns, runId, now, now);
        return { shops: shops.length, requeued, broadcasts: runs.length };
      }
      case "schedule-scheduled-triggers": {
        parseJobData(QUEUE.campaigns, job.name, job.data);
        const shops = await shopsWithScheduledTriggers(db);
        await campaigns.addBulk(
          shops.map((shop) => ({
            name: "scan-scheduled-triggers" as const,
            data: { shop },
            opts: { deduplication: { id: `scan-scheduled-triggers_${shop}` } },
          })),
        );
        return { shops: shops.length };
      }
      case "scan-scheduled-triggers": {
        const { shop } = parseJobData<typeof QUEUE.campaigns, "scan-scheduled-triggers">(
          QUEUE.campaigns,
          job.name,
          job.data,
        );
        const created = await scanScheduledTriggers(db, shop);
        await enqueueSends(campaigns, created, sendOptions);
        return { created: created.length };
      }
      case "run-broadcast": {
        const { runId } = parseJobData<typeof QUEUE.campaigns, "run-broadcast">(
          QUEUE.campaigns,
          job.name,
          job.data,
        );
        const outcome = await runBroadcast(db, runId, (ids) => enqueueSends(campaigns, ids, sendOptions));
        if (outcome.status === "wait") {
          await job.moveToDelayed(outcome.until.getTime(), token);
          throw new DelayedError(`Broadcast waits until ${outcome.until.toISOString()}`);
        }
        return outcome;
      }
      case "scan-campaign-triggers": {
        const { shop } = parseJobData<typeof QUEUE.campaigns, "scan-campaign-triggers">(
          QUEUE.campaigns,
          job.name,
          job.data,
        );
        const created = await scanTriggers(db, shop);
        await enqueueSends(campaigns, created, sendOptions);
        return { created: created.length };
      }
      case "deliver-campaign-send": {
        const { sendId } = parseJobData<typeof QUEUE.campaigns, "deliver-campaign-send">(
          QUEUE.campaigns,
          job.name,
          job.data,
        );
        const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        const outcome = await deliverSend(db, sendId, { finalAttempt }, delivery);
        if (outcome.status === "wait") {
          // Quiet hours or the shop's rate: the same job waits, without spending an attempt.
          await job.moveToDelayed(outcome.until.getTime(), token);
          throw new DelayedError(`Waiting for ${outcome.reason} until ${outcome.until.toISOString()}`);
        }
        return outcome;
      }
      case "schedule-send-times": {
        parseJobData(QUEUE.campaigns, job.name, job.data);
        const shops = await shopsWithCampaignsOn(db);
        await campaigns.addBulk(
          shops.map((shop) => ({
            name: "refresh-send-times" as const,
            data: { shop },
            opts: { deduplication: { id: `refresh-send-times_${shop}` } },
          })),
        );
        return { shops: shops.length };
      }
      case "refresh-send-times": {
        const { shop } = parseJobData<typeof QUEUE.campaigns, "refresh-send-times">(
          QUEUE.campaigns,
          job.name,
          job.data,
        );
        return refreshSendTimes(db, shop, new Date());
      }
      case "schedule-inbox-purge": {
        parseJobData(QUEUE.campaigns, job.name, job.data);
        const shops = await shopsWithExpiredInboxMessages(db, new Date());
        await campaigns.addBulk(
          shops.map((shop) => ({
            name: "purge-inbox-messages" as const,
            data: { shop },
            opts: { deduplication: { id: `purge-inbox-messages_${shop}` } },
          })),
        );
        return { shops: shops.length };
      }
      case "purge-inbox-messages": {
        const { shop } = parseJobData<typeof QUEUE.campaigns, "purge-inbox-messages">(
          QUEUE.campaigns,
          job.name,
          job.data,
        );
        return { deleted: await purgeExpiredInboxMessages(db, shop, new Date()) };
      }
      case "sync-email-consent": {
        const { shop, customerId } = parseJobData<typeof QUEUE.campaigns, "sync-email-consent">(
          QUEUE.campaigns,
          job.name,
          job.data,
        );
        await unsubscribeCustomerEmail(await adminFor(shop), BigInt(customerId), new Date());
        return { unsubscribed: customerId };
      }
      case "sync-sms-consent": {
        const { shop, customerId } = parseJobData<typeof QUEUE.campaigns, "sync-sms-consent">(
          QUEUE.campaigns,
          job.name,
          job.data,
        );
        await unsubscribeCustomerSms(await adminFor(shop), BigInt(customerId), new Date());
        return { unsubscribed: customerId };
      }
      default:
        parseJobData(QUEUE.campaigns, job.name, job.data);
        throw new UnrecoverableError(`campaigns job "${job.name}" has a schema but no processor`);
    }
  };
}
