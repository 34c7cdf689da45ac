import { Redis } from "ioredis";
import { env } from "./env.server";
import { logger } from "./logger.server";

// Two kinds of connection, because the two sides of the queue want opposite things while
// Redis is away (docs/decisions/0012-redis-outages.md):
// - a worker waits: BullMQ requires maxRetriesPerRequest: null on connections that block
//   for jobs, and a job fetched a minute late is fine;
// - a producer (the web process's enqueues and rate limits, and services that enqueue
//   follow-up work) must not: a webhook is acknowledged once its inbox row is committed,
//   and an enqueue that waited for Redis would hold the answer past Shopify's timeout.

/** How long a producer's command may take before it fails (Redis hung or unreachable). */
export const PRODUCER_COMMAND_TIMEOUT_MS = 500;

/** A connection for BullMQ workers: commands wait for Redis as long as it takes. */
export function createRedis(url = env().REDIS_URL): Redis {
  return watched(new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true }), "worker");
}

/**
 * A connection for producers: every command fails after PRODUCER_COMMAND_TIMEOUT_MS,
 * whether Redis does not answer or is unreachable (the offline queue, which carries the
 * first commands until the connection is ready, is bounded by that timeout too). Callers
 * treat the failure as "not enqueued": the inbox sweeper enqueues the row later.
 */
export function createProducerRedis(url = env().REDIS_URL): Redis {
  return watched(
    new Redis(url, {
      maxRetriesPerRequest: 1,
      commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
      enableReadyCheck: true,
    }),
    "producer",
  );
}

/**
 * ioredis reports every failed reconnect as an 'error' event (printed to stderr when
 * nobody listens): log the outage once when it starts and once when Redis is back.
 */
function watched(connection: Redis, role: string): Redis {
  let down = false;
  connection.on("error", (err: Error) => {
    if (down) return;
    down = true;
    logger().warn({ err, redis: role }, "Redis connection lost; reconnecting");
  });
  connection.on("ready", () => {
    if (!down) return;
    down = false;
    logger().info({ redis: role }, "Redis connection back");
  });
  return connection;
}

const NETWORK_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/**
 * Whether an error only says Redis cannot be reached right now. Every client of a lost
 * Redis reports one on each reconnect attempt; the connections above log the outage once.
 */
export function isRedisUnreachable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && NETWORK_ERRORS.has(code);
}

declare global {
  var __redis: Redis | undefined;
}

/** This process's producer connection (enqueues, rate limits, health checks). */
export function redis(): Redis {
  globalThis.__redis ??= createProducerRedis();
  return globalThis.__redis;
}
