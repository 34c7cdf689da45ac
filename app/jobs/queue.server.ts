import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { logger } from "../logger.server";
import { redis } from "../redis.server";
import { type AnyJobData, type JobName, type QueueName } from "./definitions";
import { DEFAULT_JOB_OPTIONS } from "./options";
import { checkRedisEvictionPolicy } from "./redis-policy.server";

export type TypedQueue<Q extends QueueName> = Queue<AnyJobData<Q>, unknown, JobName<Q>>;

export function createQueue<Q extends QueueName>(name: Q, connection: Redis): TypedQueue<Q> {
  const created = new Queue<AnyJobData<Q>, unknown, JobName<Q>>(name, {
    connection,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  // A Queue re-emits its connection's errors (every failed reconnect while Redis is away)
  // and prints them when nobody listens; the connection logs the outage once (redis.server).
  created.on("error", () => undefined);
  return created;
}

// Producers share one Queue per name per process (on globalThis, so development reloads
// do not open a connection per edit).
declare global {
  var __queues: Map<QueueName, Queue> | undefined;
}

export function queue<Q extends QueueName>(name: Q): TypedQueue<Q> {
  globalThis.__queues ??= new Map();
  let existing = globalThis.__queues.get(name);
  if (!existing) {
    if (globalThis.__queues.size === 0) void warnOnEvictionPolicy(redis());
    existing = createQueue(name, redis()) as unknown as Queue;
    globalThis.__queues.set(name, existing);
  }
  return existing as unknown as TypedQueue<Q>;
}

export async function closeQueues(): Promise<void> {
  const open = [...(globalThis.__queues?.values() ?? [])];
  globalThis.__queues = undefined;
  await Promise.all(open.map((q) => q.close()));
}

/** Logs the eviction warning once; a failed check is itself worth a warning, not a crash. */
export async function warnOnEvictionPolicy(connection: Redis): Promise<void> {
  try {
    const warning = await checkRedisEvictionPolicy(connection);
    if (warning) logger().warn(warning);
  } catch (error) {
    logger().warn({ err: error }, "Could not read Redis maxmemory-policy");
  }
}
