import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { PrismaClient } from "../db.server";
import type { QueueName } from "../jobs/definitions";
import { HEARTBEAT_TTL_SECONDS, readHeartbeats } from "../jobs/heartbeat.server";
import { queue } from "../jobs/queue.server";
import { missingSchedules } from "../jobs/schedules.server";
import { redis } from "../redis.server";
import { checkServices } from "./service-health.server";

// What /readyz reports: whether this deployment can do its work, not only answer. Beyond
// PostgreSQL and Redis answering, a worker must be alive (a heartbeat younger than its
// expiry) and the schedules must be in Redis: without them nothing sweeps the inbox, and
// acknowledged webhooks wait silently (issue 11 #1). Reasons are fixed sentences and names,
// never connection details or error texts.

export type Readiness = { ready: boolean; reasons: string[]; workers: number };

export type ReadinessDeps = {
  db?: PrismaClient;
  redis?: Redis;
  queueOf?: (name: QueueName) => Queue;
  now?: () => Date;
};

export async function checkReadiness(deps: ReadinessDeps = {}): Promise<Readiness> {
  const connection = deps.redis ?? redis();
  const now = deps.now?.() ?? new Date();
  const services = await checkServices({ db: deps.db, redis: connection });
  const reasons: string[] = [];
  if (!services.database.ok) reasons.push("database unreachable");
  if (!services.redis.ok) {
    reasons.push("redis unreachable");
    return { ready: false, reasons, workers: 0 };
  }
  const [beats, missing] = await Promise.all([
    readHeartbeats(connection),
    missingSchedules(deps.queueOf ?? ((name) => queue(name) as unknown as Queue)),
  ]);
  const fresh = beats.filter((b) => now.getTime() - Date.parse(b.lastBeatAt) <= HEARTBEAT_TTL_SECONDS * 1000);
  if (fresh.length === 0)
    reasons.push(
      beats.length === 0
        ? "no worker running (no heartbeat in Redis)"
        : `worker heartbeat stale (none in the last ${HEARTBEAT_TTL_SECONDS} s)`,
    );
  if (missing.length > 0) reasons.push(`schedules missing in Redis: ${missing.join(", ")}`);
  return { ready: reasons.length === 0, reasons, workers: fresh.length };
}
