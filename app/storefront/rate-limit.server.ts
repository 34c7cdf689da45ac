import type { Redis } from "ioredis";

// A fixed-window counter per key in Redis: INCR and, on the window's first hit, PEXPIRE,
// in one MULTI so a crash between them cannot leave a counter that never expires.

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type RateDecision =
  { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export async function hitRateLimit(redis: Redis, key: string, rule: RateLimit): Promise<RateDecision> {
  const results = await redis.multi().incr(key).pexpire(key, rule.windowMs, "NX").pttl(key).exec();
  if (!results) throw new Error(`rate limit ${key}: transaction aborted`);
  for (const [error] of results) if (error) throw error;
  const count = Number(results[0]![1]);
  const ttl = Number(results[2]![1]);
  if (count <= rule.limit) return { allowed: true, remaining: rule.limit - count };
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((ttl > 0 ? ttl : rule.windowMs) / 1000)),
  };
}

/** Redemptions from the storefront: at most 5 a minute per customer of a shop. */
export const STOREFRONT_REDEEM_LIMIT: RateLimit = { limit: 5, windowMs: 60_000 };

export const redeemRateKey = (shop: string, customerId: bigint) =>
  `ratelimit:proxy-redeem:${shop}:${customerId}`;

/** Inbox reads and mark-reads from the storefront: at most 60 a minute per customer of a shop. */
export const STOREFRONT_INBOX_LIMIT: RateLimit = { limit: 60, windowMs: 60_000 };

export const inboxRateKey = (shop: string, customerId: bigint) =>
  `ratelimit:proxy-inbox:${shop}:${customerId}`;
