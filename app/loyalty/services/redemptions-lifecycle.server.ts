import type { Prisma, PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";
import { deleteRewardDiscount, DiscountRejected, type DiscountCallOptions } from "~/shopify/discounts.server";
import type { AdminGraphql } from "~/shopify/graphql.server";
import { lockMember } from "./ledger.server";
import { memberPrograms } from "./member-program.server";
import { recordEvent, returnPoints, settle } from "./redemptions.server";

// What happens to a redemption after the request: orders that use its code, codes that
// lapse unused, and pending sagas a crash interrupted.

/** A pending redemption older than this lost its request (crash, timeout): the sweeper settles it. */
export const PENDING_RECOVERY_AFTER_MS = 60_000;
/**
 * Codes end in Shopify at expiresAt; the app waits this long before calling one unused,
 * so an order placed just before the end whose webhook arrives late still marks it used.
 */
export const EXPIRY_GRACE_MS = 60 * 60_000;
const BATCH = 100;

/**
 * Marks issued redemptions whose code the order carries as used. Runs inside the order
 * webhook's transaction; repeat deliveries change nothing. Codes compare case-insensitively.
 */
export async function markRedemptionsUsed(
  tx: Prisma.TransactionClient,
  shop: string,
  order: { orderId: bigint; customerId: bigint | null; discountCodes: string[]; at: Date },
): Promise<void> {
  const codes = [...new Set(order.discountCodes.map((c) => c.trim().toUpperCase()).filter(Boolean))];
  if (codes.length === 0) return;
  const candidates = await tx.redemption.findMany({
    where: { shop, code: { in: codes }, status: { in: ["pending", "issued", "expired"] } },
  });
  for (const redemption of candidates) {
    if (order.customerId !== null && order.customerId !== redemption.customerId) {
      logger().warn(
        { shop, redemptionId: redemption.id, orderId: order.orderId },
        "Reward code used on another customer's order",
      );
    }
    if (redemption.status === "expired" && redemption.returnedAt) {
      logger().warn(
        { shop, redemptionId: redemption.id, orderId: order.orderId },
        "Reward code used after its points were returned on expiry",
      );
    }
    const { count } = await tx.redemption.updateMany({
      where: { id: redemption.id, status: redemption.status },
      data: { status: "used", usedAt: order.at, usedOrderId: order.orderId },
    });
    if (count === 1) {
      await recordEvent(tx, redemption, "rewardUsed", order.at, {
        redemptionId: redemption.id,
        rewardId: redemption.rewardId,
        orderId: order.orderId.toString(),
      });
    }
  }
}

export interface ExpirySummary {
  expired: number;
  pointsReturned: number;
  /** Codes Shopify could not delete now; they end on their own and are retried next run. */
  deferred: number;
}

/**
 * Issued codes past expiresAt (plus the grace) become expired: the Shopify code is
 * deleted, and the points come back once when the program's returnPointsOnExpiry says so.
 */
export async function expireRedemptions(
  db: PrismaClient,
  shop: string,
  now: Date,
  deps: { graphql: AdminGraphql; discountOptions?: DiscountCallOptions },
): Promise<ExpirySummary> {
  const summary: ExpirySummary = { expired: 0, pointsReturned: 0, deferred: 0 };
  const cutoff = new Date(now.getTime() - EXPIRY_GRACE_MS);
  const programOf = await memberPrograms(db, shop, now);
  let after = "";
  for (;;) {
    const due = await db.redemption.findMany({
      where: { shop, status: "issued", expiresAt: { lte: cutoff }, id: { gt: after || undefined } },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (due.length === 0) return summary;
    after = due.at(-1)!.id;
    for (const redemption of due) {
      if (redemption.discountId) {
        try {
          await deleteRewardDiscount(deps.graphql, redemption.discountId, deps.discountOptions);
        } catch (error) {
          if (!(error instanceof DiscountRejected)) {
            summary.deferred += 1;
            continue;
          }
          logger().warn({ err: error, shop, redemptionId: redemption.id }, "Expired reward code not deleted");
        }
      }
      const returned = await db.$transaction(async (tx) => {
        const member = await lockMember(tx, shop, redemption.customerId);
        const giveBack =
          programOf(redemption.customerId).program.refunds.returnPointsOnExpiry && member !== null;
        const { count } = await tx.redemption.updateMany({
          where: { id: redemption.id, status: "issued" },
          data: { status: "expired", ...(giveBack ? { returnedAt: now } : {}) },
        });
        if (count === 0) return null;
        if (giveBack) await returnPoints(tx, member, redemption, now, "expired");
        await recordEvent(tx, redemption, "rewardExpired", now, {
          redemptionId: redemption.id,
          rewardId: redemption.rewardId,
          pointsReturned: giveBack ? redemption.pointsCost : 0,
        });
        return giveBack;
      });
      if (returned === null) continue;
      summary.expired += 1;
      if (returned) summary.pointsReturned += redemption.pointsCost;
    }
  }
}

export interface RecoverySummary {
  issued: number;
  failed: number;
  stillPending: number;
}

/**
 * Settles pending redemptions whose request died between the debit and Shopify: the code
 * is looked up first and created when missing (completing the saga), a refusal returns
 * the points, and an unreachable Shopify leaves them for the next sweep.
 */
export async function recoverPendingRedemptions(
  db: PrismaClient,
  shop: string,
  now: Date,
  deps: { graphql: AdminGraphql; discountOptions?: DiscountCallOptions },
): Promise<RecoverySummary> {
  const summary: RecoverySummary = { issued: 0, failed: 0, stillPending: 0 };
  const stale = await db.redemption.findMany({
    where: {
      shop,
      status: "pending",
      createdAt: { lt: new Date(now.getTime() - PENDING_RECOVERY_AFTER_MS) },
    },
    orderBy: { createdAt: "asc" },
    take: BATCH,
  });
  for (const redemption of stale) {
    const settled = await settle(db, redemption, deps, now);
    if (settled.status === "pending") summary.stillPending += 1;
    else if (settled.status === "failed") summary.failed += 1;
    else summary.issued += 1;
  }
  return summary;
}
