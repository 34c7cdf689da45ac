import type { Redis } from "ioredis";

/**
 * BullMQ keeps jobs, locks and schedules as ordinary Redis keys. Under any eviction
 * policy but `noeviction`, Redis may silently drop them when memory runs short, losing
 * jobs. Returns a warning to log, or undefined when the policy is safe.
 */
export async function checkRedisEvictionPolicy(connection: Redis): Promise<string | undefined> {
  const reply = (await connection.config("GET", "maxmemory-policy")) as string[];
  const policy = reply[1];
  if (policy === undefined) {
    return "Redis did not report maxmemory-policy (managed Redis may hide CONFIG); make sure it is noeviction, or queued jobs can be evicted.";
  }
  if (policy === "noeviction") return undefined;
  return `Redis maxmemory-policy is "${policy}"; set it to "noeviction" (CONFIG SET maxmemory-policy noeviction, or in redis.conf), or Redis may evict queued jobs under memory pressure.`;
}
