import { UnrecoverableError, type Job } from "bullmq";
import type { PrismaClient } from "~/db.server";
import { parseJobData, QUEUE } from "~/jobs/definitions";
import { metafieldSyncJob } from "~/jobs/producers.server";
import type { TypedQueue } from "~/jobs/queue.server";
import {
  EXPIRY_GRACE_MS,
  expireRedemptions,
  PENDING_RECOVERY_AFTER_MS,
  recoverPendingRedemptions,
} from "~/loyalty/services/redemptions-lifecycle.server";
import { shopPrograms } from "~/loyalty/services/member-program.server";
import { logger } from "~/logger.server";
import { NoOfflineSessionError } from "~/shopify/admin-client.server";
import type { AdminGraphql } from "~/shopify/graphql.server";
import { syncMemberMetafields } from "~/shopify/metafields.server";
import { syncTierPerksForTiers } from "~/shopify/perk-discount.server";

// The shopify-sync queue: everything the app writes to Shopify outside a request.
//   sync-metafields       one shop's dirty members → customer metafields (debounced per shop)
//   settle-redemptions    one shop's interrupted redemption sagas and lapsed reward codes
//   sync-tier-perks       one shop's tier-perk discount after its tiers were saved
//   schedule-shopify-sync every minute: enqueues the first two for the shops that need them

export type AdminFor = (shop: string) => Promise<AdminGraphql>;

export function shopifySyncProcessor(
  db: PrismaClient,
  queue: TypedQueue<typeof QUEUE.shopifySync>,
  adminFor: AdminFor,
) {
  return async (job: Job) => {
    switch (job.name) {
      case "sync-metafields": {
        const { shop } = parseJobData(QUEUE.shopifySync, "sync-metafields", job.data);
        const programs = await shopPrograms(db, shop, new Date());
        return withAdmin(adminFor, shop, (graphql) => syncMemberMetafields(db, shop, graphql, programs));
      }
      case "settle-redemptions": {
        const { shop } = parseJobData(QUEUE.shopifySync, "settle-redemptions", job.data);
        return withAdmin(adminFor, shop, async (graphql) => {
          const now = new Date();
          const recovered = await recoverPendingRedemptions(db, shop, now, { graphql });
          const expired = await expireRedemptions(db, shop, now, { graphql });
          return { recovered, expired };
        });
      }
      case "sync-tier-perks": {
        const { shop } = parseJobData(QUEUE.shopifySync, "sync-tier-perks", job.data);
        const { all } = await shopPrograms(db, shop, new Date());
        return withAdmin(adminFor, shop, async (graphql) => {
          const outcome = await syncTierPerksForTiers(db, graphql, shop, all);
          // Shopify's refusal or an oversized config will not change on a retry; the tiers
          // page shows the reason stored with the perks.
          if (outcome.failed) throw new UnrecoverableError(outcome.failed);
          return outcome;
        });
      }
      case "schedule-shopify-sync":
        parseJobData(QUEUE.shopifySync, job.name, job.data);
        return scheduleShopifySync(db, queue, new Date());
      default:
        parseJobData(QUEUE.shopifySync, job.name, job.data);
        throw new UnrecoverableError(`shopify-sync job "${job.name}" has a schema but no processor`);
    }
  };
}

/**
 * Runs `work` with the shop's Admin API client. A shop without an offline session (a sync
 * enqueued just before it uninstalled, or a session lost) is skipped with a log line:
 * retrying cannot help, and its members' state is synced again once it is reinstalled.
 */
async function withAdmin<T>(
  adminFor: AdminFor,
  shop: string,
  work: (graphql: AdminGraphql) => Promise<T>,
): Promise<T | { skipped: "no offline session" }> {
  let graphql: AdminGraphql;
  try {
    graphql = await adminFor(shop);
  } catch (error) {
    if (!(error instanceof NoOfflineSessionError)) throw error;
    logger().info({ shop }, "Skipped: the shop has no offline session");
    return { skipped: "no offline session" };
  }
  return work(graphql);
}

/** Enqueues work for installed shops that have dirty members or redemptions to settle. */
export async function scheduleShopifySync(
  db: PrismaClient,
  queue: TypedQueue<typeof QUEUE.shopifySync>,
  now: Date,
): Promise<{ metafields: number; redemptions: number }> {
  const installed = {
    in: (await db.shop.findMany({ where: { status: "installed" }, select: { domain: true } })).map(
      (s) => s.domain,
    ),
  };
  const dirty = await db.member.findMany({
    where: { shop: installed, metafieldsDirty: true, status: { not: "deleted" } },
    distinct: ["shop"],
    select: { shop: true },
  });
  const settle = await db.redemption.findMany({
    where: {
      shop: installed,
      OR: [
        { status: "pending", createdAt: { lt: new Date(now.getTime() - PENDING_RECOVERY_AFTER_MS) } },
        { status: "issued", expiresAt: { lte: new Date(now.getTime() - EXPIRY_GRACE_MS) } },
      ],
    },
    distinct: ["shop"],
    select: { shop: true },
  });
  const minute = Math.floor(now.getTime() / 60_000);
  await queue.addBulk([
    ...dirty.map(({ shop }) => metafieldSyncJob(shop)),
    ...settle.map(({ shop }) => ({
      name: "settle-redemptions" as const,
      data: { shop },
      opts: { jobId: `settle-redemptions_${shop}_${minute}` },
    })),
  ]);
  return { metafields: dirty.length, redemptions: settle.length };
}
