import { UnrecoverableError } from "bullmq";
import { z } from "zod";

// Every queue, the jobs it carries and the shape of their JSON payloads. A feature adds
// its queue (ingest, shopify-sync, analytics, campaigns) by adding a key to QUEUE and
// its jobs to JOBS; producers, workers and health checks pick it up from here.

/** Inbox rows per process-webhooks job at most. */
export const MAX_WEBHOOK_GROUP = 200;

export const QUEUE = {
  webhooks: "webhooks",
  maintenance: "maintenance",
  loyalty: "loyalty",
  backfill: "backfill",
  shopifySync: "shopify-sync",
  analytics: "analytics",
  campaigns: "campaigns",
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export const JOBS = {
  webhooks: {
    // Process one inbox row; the job id is the row id, so BullMQ dedupes re-enqueues.
    "process-webhook": z.object({ eventId: z.uuid() }).strict(),
    // Process the rows of deliveries that arrived together (the intake's coalesced
    // enqueue): one job instead of one per row. A row another job processed first is
    // skipped, as with process-webhook.
    "process-webhooks": z.object({ eventIds: z.array(z.uuid()).min(1).max(MAX_WEBHOOK_GROUP) }).strict(),
  },
  maintenance: {
    // `catchUp`: Redis came back (or came back empty), so every unfinished row is swept now,
    // not only those past the sweep delay (their jobs may be gone, or were never added).
    "sweep-inbox": z.object({ catchUp: z.boolean().optional() }).strict(),
    // Deletes processed inbox rows older than WEBHOOK_RETENTION_DAYS (app/webhooks/retention.server.ts).
    "prune-inbox": z.object({}).strict(),
    // Dashboard aggregates (app/stats): every installed shop's changed days, or one shop;
    // `full` recomputes every day (after a backfill).
    "refresh-loyalty-stats": z
      .object({ shop: z.string().min(1).optional(), full: z.boolean().optional() })
      .strict(),
    // Experiment report aggregates (app/experiments/aggregates.server.ts): every running
    // experiment's that is due, or one shop's, or one experiment's (on demand; job id per experiment).
    "refresh-experiment-aggregates": z
      .object({ shop: z.string().min(1).optional(), experimentId: z.uuid().optional() })
      .strict(),
  },
  loyalty: {
    // Fans out: one run-scheduled-loyalty job per installed shop.
    "schedule-loyalty": z.object({}).strict(),
    // Pending releases, expiries, expiry notices, birthday bonuses and tier re-evaluation
    // for one shop (app/loyalty/scheduled.server.ts); safe to repeat or run late.
    "run-scheduled-loyalty": z.object({ shop: z.string().min(1) }).strict(),
    // Records the exposures due in one shop's running experiments (app/experiments/exposure-sweep.server.ts):
    // after a launch in a large shop; the hourly run-scheduled-loyalty sweeps too. Idempotent.
    "sweep-exposures": z.object({ shop: z.string().min(1) }).strict(),
    // One bulk points adjustment (app/loyalty/services/bulk-adjustments.server.ts); job id = bulk id, resumable.
    "bulk-adjust": z.object({ bulkId: z.uuid() }).strict(),
  },
  backfill: {
    // One import of a shop's history (app/backfill); job id = run id, resumable from the run row.
    "run-backfill": z.object({ runId: z.uuid() }).strict(),
    // One file from another loyalty app (app/migration); job id = "migration-<import id>", resumable.
    "run-migration": z.object({ importId: z.uuid() }).strict(),
    // One uploaded reviews or engagement CSV (app/ingest/imports); job id = "data-import-<id>", resumable.
    "run-data-import": z.object({ importId: z.uuid() }).strict(),
  },
  "shopify-sync": {
    // One shop's dirty members → customer metafields; deduplicated per shop (producers.server.ts).
    "sync-metafields": z.object({ shop: z.string().min(1) }).strict(),
    // One shop's interrupted redemption sagas and lapsed reward codes (app/loyalty/redemptions-lifecycle.server.ts).
    "settle-redemptions": z.object({ shop: z.string().min(1) }).strict(),
    // One shop's tier-perk discount created or updated from the live tiers and perk settings
    // (after the tiers are saved); deduplicated per shop like the metafield sync.
    "sync-tier-perks": z.object({ shop: z.string().min(1) }).strict(),
    // Every minute: enqueues the first two above for the shops that need them.
    "schedule-shopify-sync": z.object({}).strict(),
  },
  analytics: {
    // Nightly: one full scoring per installed shop (app/intelligence/scoring/start.server.ts).
    "schedule-scoring": z.object({}).strict(),
    // One shop's full scoring: segments, lifetime value, churn, in order; job id = run id.
    "score-shop": z.object({ runId: z.uuid() }).strict(),
    // One shop's lifetime-value fit (the Insights page's Recompute, the demo); job id = fit id.
    "fit-lifetime-value": z.object({ fitId: z.uuid() }).strict(),
    // One shop's RFM scores, segments and clusters; job id = run id (the run row holds the shop).
    "compute-segments": z.object({ runId: z.uuid() }).strict(),
    // One shop's churn evaluation, risks, drivers and interventions; job id = run id.
    "compute-churn": z.object({ runId: z.uuid() }).strict(),
    // Nightly: one sentiment run per installed shop (app/intelligence/sentiment/start.server.ts).
    "schedule-sentiment": z.object({}).strict(),
    // One shop's unscored reviews scored (and, with OpenAI, the recent reviews summarised); job id = run id.
    "score-sentiment": z.object({ runId: z.uuid() }).strict(),
    // Weekly: one weekly-picks run per installed shop (app/intelligence/picks/start.server.ts).
    "schedule-weekly-picks": z.object({}).strict(),
    // One shop's forecast, backtest and promotion picks; job id = run id.
    "compute-weekly-picks": z.object({ runId: z.uuid() }).strict(),
    // Nightly: one product-recommendation run per installed shop (app/intelligence/recommendations/start.server.ts).
    "schedule-recommendations": z.object({}).strict(),
    // One shop's product vectors, neighbours and holdout evaluation; job id = run id.
    "compute-recommendations": z.object({ runId: z.uuid() }).strict(),
    // One shop's reward model, evaluation and each member's recommended reward; job id = run id.
    "compute-reward-recommendations": z.object({ runId: z.uuid() }).strict(),
    // Every few minutes: each running bandit whose next period is due gets its allocation
    // (app/experiments/bandit.server.ts; idempotent per experiment and period).
    "update-bandits": z.object({}).strict(),
    // Hourly: each running experiment with auto-apply on is evaluated and, when the rule names a
    // winner, shipped, or paused on a guardrail breach (app/experiments/auto-apply.server.ts;
    // idempotent: each step is conditional on the status it expects). Bandits are also
    // evaluated right after their update.
    "evaluate-auto-apply": z.object({}).strict(),
  },
  campaigns: {
    // Every minute: each installed shop with a trigger campaign on gets a scan, and sends
    // whose delivery job was lost are enqueued again (app/campaigns).
    "schedule-campaigns": z.object({}).strict(),
    // One shop's new loyalty events → queued CampaignSends → one delivery job each.
    "scan-campaign-triggers": z.object({ shop: z.string().min(1) }).strict(),
    // Every 15 minutes: each installed shop with a state-read trigger on (birthday, downgrade
    // warning, win-back, almost there) gets a scheduled scan (app/campaigns/scheduled-scan.server.ts).
    "schedule-scheduled-triggers": z.object({}).strict(),
    "scan-scheduled-triggers": z.object({ shop: z.string().min(1) }).strict(),
    // A broadcast's run: its sends in batches, then their delivery jobs; a no-op once finished
    // or cancelled (app/campaigns/broadcasts.server.ts). Deduplicated by "broadcast_<run id>".
    "run-broadcast": z.object({ runId: z.uuid() }).strict(),
    // One CampaignSend delivered at most once; job id = "send_<id>".
    "deliver-campaign-send": z.object({ sendId: z.uuid() }).strict(),
    // Nightly: each installed shop with a campaign on gets its members' best hour and channel
    // recomputed (app/campaigns/send-time, one refresh-send-times per shop).
    "schedule-send-times": z.object({}).strict(),
    "refresh-send-times": z.object({ shop: z.string().min(1) }).strict(),
    // Daily: each shop with widget inbox messages past their expiry gets a purge of them, in
    // batches (app/campaigns/inbox-purge.server.ts).
    "schedule-inbox-purge": z.object({}).strict(),
    "purge-inbox-messages": z.object({ shop: z.string().min(1) }).strict(),
    // An unsubscribe written back to Shopify (customerEmailMarketingConsentUpdate).
    "sync-email-consent": z
      .object({ shop: z.string().min(1), customerId: z.string().regex(/^\d+$/) })
      .strict(),
    // An SMS STOP written back to Shopify (customerSmsMarketingConsentUpdate, UNSUBSCRIBED).
    "sync-sms-consent": z.object({ shop: z.string().min(1), customerId: z.string().regex(/^\d+$/) }).strict(),
  },
} as const satisfies Record<QueueName, Record<string, z.ZodType>>;

export type JobName<Q extends QueueName> = keyof (typeof JOBS)[Q] & string;
export type JobData<Q extends QueueName, N extends JobName<Q>> = z.infer<(typeof JOBS)[Q][N]>;
export type AnyJobData<Q extends QueueName> = { [N in JobName<Q>]: JobData<Q, N> }[JobName<Q>];

export const QUEUE_NAMES: QueueName[] = Object.values(QUEUE);

/**
 * Validates a job's payload as the worker receives it. A job that does not match its
 * schema will never succeed, so it fails at once instead of burning its retries.
 */
export function parseJobData<Q extends QueueName, N extends JobName<Q>>(
  queue: Q,
  name: string,
  data: unknown,
): JobData<Q, N> {
  const schemas = JOBS[queue] as Record<string, z.ZodType>;
  const schema = schemas[name];
  if (!schema) throw new UnrecoverableError(`Queue "${queue}" has no job named "${name}"`);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new UnrecoverableError(`Invalid payload for ${queue}/${name}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data as JobData<Q, N>;
}
