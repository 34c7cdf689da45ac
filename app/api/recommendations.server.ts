import type { Redis } from "ioredis";
import type { PrismaClient } from "~/db.server";
import { productRecommendationsFor } from "~/intelligence/recommendations/member.server";
import { rewardRecommendationsFor } from "~/intelligence/rewards/read.server";
import { logger } from "~/logger.server";
import { hitRateLimit, type RateLimit } from "~/storefront/rate-limit.server";
import { authenticateKey } from "./keys.server";

// GET /api/v1/recommendations/{customerId}: a member's recommendations for the key's shop.
// 401 without a valid key, 403 without the scope, 400 for a malformed id or limit, 404 for
// a customer the shop does not have, 429 over the key's rate. The body has one member per
// kind of recommendation: `products` (app/intelligence/recommendations) and `rewards`
// (app/intelligence/rewards: the recommended reward and every reward ranked; null when the
// customer is not a member or no reward run has scored them yet).

export const API_RATE_LIMIT: RateLimit = { limit: 120, windowMs: 60_000 };

export interface ApiDeps {
  db: PrismaClient;
  redis: Redis | null;
}

const CUSTOMER_ID = /^[1-9]\d{0,18}$/;
const MAX_ID = 9_223_372_036_854_775_807n;

export function apiError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return Response.json(
    { error: { code, message } },
    { status, headers: { "Cache-Control": "no-store", ...headers } },
  );
}

export async function recommendationsResponse(
  request: Request,
  customerIdParam: string | undefined,
  deps: ApiDeps,
): Promise<Response> {
  const auth = await authenticateKey(deps.db, request.headers.get("authorization"), "recommendations:read");
  if (!auth.ok)
    return apiError(
      auth.status,
      auth.code,
      auth.message,
      auth.status === 401 ? { "WWW-Authenticate": "Bearer" } : {},
    );
  if (deps.redis) {
    try {
      const decision = await hitRateLimit(deps.redis, `ratelimit:api:${auth.keyId}`, API_RATE_LIMIT);
      if (!decision.allowed)
        return apiError(429, "rate_limited", "Too many requests for this key; try again shortly.", {
          "Retry-After": String(decision.retryAfterSeconds),
        });
    } catch (error) {
      // The limit protects the database; Redis being away should not take the API down with it.
      logger().warn({ err: error, keyId: auth.keyId }, "API rate limit unavailable; request allowed");
    }
  }
  const id = customerIdParam ?? "";
  if (!CUSTOMER_ID.test(id) || BigInt(id) > MAX_ID)
    return apiError(400, "invalid_customer_id", "customerId must be a Shopify customer's numeric id.");
  const limitParam = new URL(request.url).searchParams.get("limit");
  const limit = limitParam === null ? 10 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > 50)
    return apiError(400, "invalid_limit", "limit must be a whole number from 1 to 50.");
  const [recs, rewards] = await Promise.all([
    productRecommendationsFor(deps.db, auth.shop, BigInt(id), { limit }),
    rewardRecommendationsFor(auth.shop, BigInt(id), deps.db),
  ]);
  if (!recs) return apiError(404, "customer_not_found", `This shop has no customer ${id}.`);
  return Response.json(
    {
      customerId: recs.customerId,
      computedAt: recs.computedAt,
      products: recs.products.map((p) => ({
        productId: p.productId,
        title: p.title,
        score: Math.round(p.score * 1e6) / 1e6,
        reasons: p.reasons.map(({ text, ...reason }) => ({ ...reason, text })),
      })),
      source: recs.source,
      rewards: rewards && {
        method: rewards.method,
        reason: rewards.reason,
        horizonDays: rewards.horizonDays,
        currency: rewards.currency,
        computedAt: rewards.computedAt,
        recommended: rewards.recommended,
        ranked: rewards.ranked.slice(0, limit),
      },
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
