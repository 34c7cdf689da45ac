import type { Redis } from "ioredis";
import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import type { Redemption } from "~/generated/prisma/client";
import { memberProgram } from "~/loyalty/services/member-program.server";
import {
  redeemRewardOutcome,
  RedemptionError,
  type RedemptionDeps,
} from "~/loyalty/services/redemptions.server";
import { proxyError, proxyJson } from "./proxy-response";
import { hitRateLimit, redeemRateKey, STOREFRONT_REDEEM_LIMIT, type RateLimit } from "./rate-limit.server";

// POST /apps/loyalty/redeem: the body names a reward and the client's idempotency key;
// the customer comes only from the verified proxy signature. Redemption itself is the
// loyalty core's saga (redeemReward); this maps its outcomes onto the contract.

export const redeemBodySchema = z.object({
  rewardId: z.string({ error: "Required." }).trim().min(1, { error: "Required." }).max(200),
  clientKey: z.uuid({ error: "Use a UUID, such as crypto.randomUUID()." }),
  cartSubtotalMinor: z
    .int({ error: "Use whole minor units." })
    .min(0, { error: "Cannot be negative." })
    .max(Number.MAX_SAFE_INTEGER)
    .nullish(),
});

export interface StorefrontRedeemDeps {
  db: PrismaClient;
  redis: Redis;
  now: Date;
  graphql: RedemptionDeps["graphql"];
  discountOptions?: RedemptionDeps["discountOptions"];
  rateLimit?: RateLimit;
}

export async function redeemFromStorefront(
  deps: StorefrontRedeemDeps,
  shop: string,
  customerId: bigint,
  rawBody: string,
): Promise<Response> {
  const body = parseBody(rawBody);
  if (!body.ok) return body.response;
  const rate = await hitRateLimit(
    deps.redis,
    redeemRateKey(shop, customerId),
    deps.rateLimit ?? STOREFRONT_REDEEM_LIMIT,
  );
  if (!rate.allowed) {
    return proxyError(
      429,
      "rate_limited",
      `Too many redemptions; try again in ${rate.retryAfterSeconds} s.`,
      { retryAfterSeconds: rate.retryAfterSeconds },
      { "Retry-After": String(rate.retryAfterSeconds) },
    );
  }
  const { rewardId, clientKey, cartSubtotalMinor } = body.data;
  const { program, heldOut } = await memberProgram(deps.db, shop, customerId, deps.now);
  if (heldOut) return proxyError(403, "not_member", "This customer is not in the program.");
  const reward = program.rewards.find((r) => r.id === rewardId);
  const known = await deps.db.redemption.findUnique({
    where: { shop_clientKey: { shop, clientKey } },
    select: { id: true },
  });
  // A replay is answered even if the reward has been removed since.
  if (!reward && !known)
    return proxyError(404, "reward_not_found", `No reward "${rewardId}" in this program.`);

  let outcome: { redemption: Redemption; replayed: boolean };
  try {
    outcome = await redeemRewardOutcome(
      deps.db,
      { shop, customerId, rewardId, clientKey, cartSubtotalMinor, source: "storefront", now: deps.now },
      { graphql: deps.graphql, discountOptions: deps.discountOptions },
    );
  } catch (error) {
    if (error instanceof RedemptionError) return refusal(error, reward?.minimumSubtotal ?? null);
    throw error;
  }
  const { redemption, replayed } = outcome;
  if (redemption.status === "failed")
    return proxyError(
      502,
      "code_unavailable",
      "Shopify refused the discount code; the points were returned.",
    );
  if (redemption.status === "pending") {
    return proxyError(
      503,
      "code_pending",
      "Shopify could not be reached; the code is being created. Retry with the same clientKey.",
      { retryAfterSeconds: 30 },
      { "Retry-After": "30" },
    );
  }
  const balance = await deps.db.member.findUniqueOrThrow({
    where: { shop_customerId: { shop, customerId } },
    select: { availablePoints: true, pendingPoints: true },
  });
  const rewardName = (redemption.reward as { name?: string } | null)?.name ?? reward?.name ?? rewardId;
  return proxyJson(
    {
      redemption: {
        id: redemption.id,
        rewardId: redemption.rewardId,
        rewardName,
        code: redemption.code,
        pointsSpent: redemption.pointsCost,
        expiresAt: redemption.expiresAt?.toISOString() ?? null,
        status: redemption.status,
        replayed,
      },
      balance: { available: balance.availablePoints, pending: balance.pendingPoints },
    },
    replayed ? 200 : 201,
  );
}

function parseBody(
  raw: string,
): { ok: true; data: z.output<typeof redeemBodySchema> } | { ok: false; response: Response } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return {
      ok: false,
      response: proxyError(400, "invalid_request", "The body must be JSON.", { fields: {} }),
    };
  }
  const parsed = redeemBodySchema.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[issue.path.join(".") || "body"] ??= issue.message;
  return {
    ok: false,
    response: proxyError(400, "invalid_request", "The redemption request is invalid.", { fields }),
  };
}

function refusal(error: RedemptionError, minimumSubtotal: { amountMinor: number; currency: string } | null) {
  switch (error.reason) {
    case "notMember":
    case "notEligible":
      return proxyError(403, "not_member", error.message);
    case "rewardInactive":
      return proxyError(422, "reward_unavailable", error.message);
    case "insufficientPoints":
      return proxyError(422, "insufficient_points", error.message, { shortBy: error.details.shortBy ?? 0 });
    case "perMemberLimitReached":
      return proxyError(422, "limit_reached", error.message, { limit: error.details.limit ?? 0 });
    case "belowMinimumSubtotal":
      return proxyError(422, "below_minimum_subtotal", error.message, { minimumSubtotal });
    case "clientKeyReused":
      return proxyError(409, "key_reused", error.message);
  }
}
