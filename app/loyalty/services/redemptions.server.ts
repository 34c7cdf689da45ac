import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "~/db.server";
import type { Redemption } from "~/generated/prisma/client";
import { logger } from "~/logger.server";
import {
  createRewardDiscount,
  deleteRewardDiscount,
  DiscountRejected,
  findDiscountByCode,
  newRewardCode,
  type DiscountCallOptions,
} from "~/shopify/discounts.server";
import type { AdminGraphql } from "~/shopify/graphql.server";
import { appendEntries, lockMember } from "./ledger.server";
import { redeemKey, redemptionReturnKey } from "../ledger-keys";
import { memberProgram } from "./member-program.server";
import type { Reward } from "../program-rewards";
import { canRedeem, discountSpecForReward } from "../redemption";

// Redeeming a reward is one saga with a compensation (see app/loyalty/README.md):
//   tx1  lock the member, check the rule, insert Redemption(pending) + its `redeem` entry
//   ──   create the code in Shopify (idempotent: looked up by code before it is created)
//   tx2  Redemption → issued with the discount id and expiry
//   or   Redemption → failed and a `redemptionReturn` entry gives the points back.
// Each status change is a conditional update (only from the status it expects), so the
// request, the sweeper and the expiry job can race without applying anything twice.

type Tx = Prisma.TransactionClient;

export type RedemptionSource = "storefront" | "admin" | "api";

export interface RedeemInput {
  shop: string;
  customerId: bigint;
  rewardId: string;
  /** The caller's idempotency key: a retried request with it returns the same redemption. */
  clientKey: string;
  source: RedemptionSource;
  /** The shopper's cart subtotal (storefront), checked against the reward's minimum; omitted when unknown. */
  cartSubtotalMinor?: number | null;
  now?: Date;
}

export interface RedemptionDeps {
  graphql: AdminGraphql;
  discountOptions?: DiscountCallOptions;
}

export type RedemptionErrorReason =
  | "notMember"
  | "notEligible"
  | "rewardInactive"
  | "insufficientPoints"
  | "perMemberLimitReached"
  | "belowMinimumSubtotal"
  | "clientKeyReused";

const MESSAGES: Record<RedemptionErrorReason, string> = {
  notMember: "This customer is not a member of the loyalty program.",
  notEligible: "This member cannot redeem rewards (excluded or not enrolled).",
  rewardInactive: "This reward is not available right now.",
  insufficientPoints: "Not enough points for this reward.",
  perMemberLimitReached: "This member has already redeemed this reward as often as allowed.",
  belowMinimumSubtotal: "The cart is below this reward's minimum subtotal.",
  clientKeyReused: "This request key was already used for a different redemption.",
};

/** A redemption the rules refuse; nothing was written. `status` is the HTTP status a route should answer. */
export class RedemptionError extends Error {
  override name = "RedemptionError";
  readonly status: 404 | 409 | 422;
  constructor(
    readonly reason: RedemptionErrorReason,
    readonly details: { shortBy?: number; limit?: number } = {},
  ) {
    super(
      reason === "insufficientPoints" && details.shortBy !== undefined
        ? `${MESSAGES[reason]} ${details.shortBy} more needed.`
        : MESSAGES[reason],
    );
    this.status = reason === "notMember" ? 404 : reason === "clientKeyReused" ? 409 : 422;
  }
}

// Many shoppers of one member (or a double-clicking one) queue on the member's row lock.
const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;

/**
 * Redeems `rewardId` for the member. Resolves with the redemption: `issued` (code ready),
 * `failed` (Shopify refused or could not be reached; the points are back) or, when even
 * the follow-up lookup could not reach Shopify, `pending` (the sweeper settles it).
 * Throws RedemptionError when the rules refuse.
 */
export async function redeemReward(
  db: PrismaClient,
  input: RedeemInput,
  deps: RedemptionDeps,
): Promise<Redemption> {
  return (await redeemRewardOutcome(db, input, deps)).redemption;
}

/**
 * redeemReward, also saying whether this call made the redemption or found the one an
 * earlier request with the same clientKey made (`replayed`), as the reservation saw it:
 * timestamps cannot tell, since two requests can share a millisecond.
 */
export async function redeemRewardOutcome(
  db: PrismaClient,
  input: RedeemInput,
  deps: RedemptionDeps,
): Promise<{ redemption: Redemption; replayed: boolean }> {
  const now = input.now ?? new Date();
  const { redemption, replayed } = await reserve(db, input, now);
  if (replayed && redemption.status !== "pending") return { redemption, replayed };
  return { redemption: await settle(db, redemption, deps, now), replayed };
}

async function reserve(
  db: PrismaClient,
  input: RedeemInput,
  now: Date,
): Promise<{ redemption: Redemption; replayed: boolean }> {
  const { shop, customerId, rewardId, clientKey } = input;
  try {
    return await db.$transaction(async (tx) => {
      const member = await lockMember(tx, shop, customerId);
      if (!member) throw new RedemptionError("notMember");
      const existing = await tx.redemption.findUnique({ where: { shop_clientKey: { shop, clientKey } } });
      if (existing) return { redemption: sameRequest(existing, input), replayed: true };

      const { version, program, variants } = await memberProgram(tx, shop, customerId, now);
      const reward = program.rewards.find((r) => r.id === rewardId);
      if (!reward) throw new RedemptionError("rewardInactive");
      const redemptionsOfReward =
        reward.perMemberLimit === null
          ? 0
          : await tx.redemption.count({
              where: { shop, customerId, rewardId, status: { not: "failed" }, returnedAt: null },
            });
      const decision = canRedeem(
        { available: member.availablePoints, eligible: member.status === "active" },
        reward,
        program,
        now,
        { redemptionsOfReward, cartSubtotalMinor: input.cartSubtotalMinor ?? null },
      );
      if (!decision.ok) {
        throw new RedemptionError(decision.reason, {
          ...(decision.reason === "insufficientPoints" ? { shortBy: decision.shortBy } : {}),
          ...(decision.reason === "perMemberLimitReached" ? { limit: decision.limit } : {}),
        });
      }
      const id = randomUUID();
      const redemption = await tx.redemption.create({
        data: {
          id,
          shop,
          customerId,
          rewardId,
          reward: reward as unknown as Prisma.InputJsonObject,
          pointsCost: decision.pointsCost,
          programVersion: version,
          experimentVariants: variants.length ? variants : undefined,
          status: "pending",
          clientKey,
          code: newRewardCode(),
          createdAt: now,
        },
      });
      await appendEntries(tx, member, [
        {
          key: redeemKey(shop, id),
          kind: "redeem",
          points: -decision.pointsCost,
          bucket: "available",
          occurredAt: now,
          programVersion: version,
          experimentVariants: variants,
          redemptionId: id,
          details: { rewardId, source: input.source },
        },
      ]);
      return { redemption, replayed: false };
    }, TX_OPTIONS);
  } catch (error) {
    // Two requests with one key for different members both passed the lookup; the unique index chose.
    if ((error as { code?: string }).code === "P2002") {
      const existing = await db.redemption.findUnique({ where: { shop_clientKey: { shop, clientKey } } });
      if (existing) return { redemption: sameRequest(existing, input), replayed: true };
    }
    throw error;
  }
}

function sameRequest(existing: Redemption, input: RedeemInput): Redemption {
  if (existing.customerId !== input.customerId || existing.rewardId !== input.rewardId)
    throw new RedemptionError("clientKeyReused");
  return existing;
}

/**
 * Moves a pending redemption forward: creates (or finds) its code, then marks it issued;
 * a refusal from Shopify fails it and returns the points. When Shopify cannot be reached,
 * a last lookup decides: no code means the points come back, a code means it is issued,
 * and no answer at all leaves it pending for the sweeper.
 */
export async function settle(
  db: PrismaClient,
  redemption: Redemption,
  deps: RedemptionDeps,
  now: Date,
): Promise<Redemption> {
  const reward = redemption.reward as unknown as Reward;
  const spec = discountSpecForReward(reward, redemption.createdAt);
  const code = redemption.code;
  if (!code) return failRedemption(db, redemption, "The redemption has no code", now);
  try {
    const { discountId } = await createRewardDiscount(
      deps.graphql,
      { code, customerId: redemption.customerId, spec },
      deps.discountOptions,
    );
    return await markIssued(db, redemption, discountId, spec.endsAt, deps);
  } catch (error) {
    if (error instanceof DiscountRejected) return failRedemption(db, redemption, error.message, now);
    logger().warn(
      { err: error, redemptionId: redemption.id },
      "Shopify unavailable while creating a reward code",
    );
    let existing;
    try {
      existing = await findDiscountByCode(deps.graphql, code, deps.discountOptions);
    } catch (lookupError) {
      logger().warn(
        { err: lookupError, redemptionId: redemption.id },
        "Reward code left pending for the sweeper",
      );
      return redemption;
    }
    if (existing) return markIssued(db, redemption, existing.discountId, spec.endsAt, deps);
    return failRedemption(db, redemption, (error as Error).message, now);
  }
}

async function markIssued(
  db: PrismaClient,
  redemption: Redemption,
  discountId: string,
  expiresAt: Date,
  deps: RedemptionDeps,
): Promise<Redemption> {
  const { shop, id } = redemption;
  const issued = await db.$transaction(async (tx) => {
    const { count } = await tx.redemption.updateMany({
      where: { id, shop, status: "pending" },
      data: { status: "issued", discountId, expiresAt },
    });
    if (count === 1) {
      const reward = redemption.reward as unknown as Reward;
      await recordEvent(tx, redemption, "rewardRedeemed", redemption.createdAt, {
        redemptionId: id,
        rewardId: redemption.rewardId,
        rewardKind: reward.value.kind,
        pointsCost: redemption.pointsCost,
        expiresAt: expiresAt.toISOString(),
      });
    }
    return tx.redemption.findUniqueOrThrow({ where: { id } });
  }, TX_OPTIONS);
  // Settled as failed meanwhile (points already back): the code must not stay usable.
  if (issued.status === "failed") {
    await deleteRewardDiscount(deps.graphql, discountId, deps.discountOptions).catch((error: unknown) =>
      logger().error(
        { err: error, redemptionId: id, discountId },
        "Could not delete the code of a failed redemption",
      ),
    );
  }
  return issued;
}

async function failRedemption(
  db: PrismaClient,
  redemption: Redemption,
  reason: string,
  now: Date,
): Promise<Redemption> {
  const { shop, id, customerId } = redemption;
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, shop, customerId);
    const { count } = await tx.redemption.updateMany({
      where: { id, shop, status: "pending" },
      data: { status: "failed", failureReason: reason.slice(0, 1000), returnedAt: now },
    });
    if (count === 1 && member) await returnPoints(tx, member, redemption, now, "shopifyFailed");
    return tx.redemption.findUniqueOrThrow({ where: { id } });
  }, TX_OPTIONS);
}

export async function returnPoints(
  tx: Tx,
  member: NonNullable<Awaited<ReturnType<typeof lockMember>>>,
  redemption: Redemption,
  now: Date,
  why: "shopifyFailed" | "expired",
): Promise<void> {
  await appendEntries(tx, member, [
    {
      key: redemptionReturnKey(redemption.shop, redemption.id),
      kind: "redemptionReturn",
      points: redemption.pointsCost,
      bucket: "available",
      occurredAt: now,
      // Given back under the program that took them, so both halves count for the same variants.
      programVersion: redemption.programVersion,
      experimentVariants: redemption.experimentVariants,
      redemptionId: redemption.id,
      details: { rewardId: redemption.rewardId, why },
    },
  ]);
}

export async function recordEvent(
  tx: Tx,
  redemption: Redemption,
  type: "rewardRedeemed" | "rewardUsed" | "rewardExpired",
  occurredAt: Date,
  payload: Prisma.InputJsonObject,
): Promise<void> {
  await tx.loyaltyEvent.createMany({
    data: [
      {
        shop: redemption.shop,
        customerId: redemption.customerId,
        type,
        key: `${redemption.shop}:redemption:${redemption.id}:${type}`,
        payload,
        occurredAt,
      },
    ],
    skipDuplicates: true,
  });
}
