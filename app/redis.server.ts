import { Redis } from "ioredis";
import { env } from "./env.server";

// BullMQ needs maxRetriesPerRequest: null on connections used by workers; the same
// options suit producers, which then wait for Redis instead of failing a request early.
export function createRedis(url = env().REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

declare global {
  var __redis: Redis | undefined;
}

export function redis(): Redis {
  globalThis.__redis ??= createRedis();
  return globalThis.__redis;
}
