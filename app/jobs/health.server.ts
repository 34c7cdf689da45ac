import { redis } from "../redis.server";
import { QUEUE_NAMES } from "./definitions";
import { readHeartbeats, type WorkerHeartbeat } from "./heartbeat.server";
import { queue } from "./queue.server";

// What the admin dashboard shows about background work: job counts per queue and the
// worker processes that are alive.

export type QueueHealth = {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
};

export async function queueHealth(): Promise<QueueHealth[]> {
  return Promise.all(
    QUEUE_NAMES.map(async (name) => {
      const counts = await queue(name).getJobCounts("waiting", "active", "delayed", "failed", "completed");
      return {
        name,
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
        completed: counts.completed ?? 0,
      };
    }),
  );
}

export async function workerHeartbeats(): Promise<WorkerHeartbeat[]> {
  return readHeartbeats(redis());
}
