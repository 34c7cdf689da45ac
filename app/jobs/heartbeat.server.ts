import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";

// Each worker process writes a heartbeat every 10 s that expires after 30 s, so the
// dashboard lists exactly the workers alive now, without a registry to clean up.
const PREFIX = "loyalty:worker-heartbeat:";
export const HEARTBEAT_INTERVAL_MS = 10_000;
export const HEARTBEAT_TTL_SECONDS = 30;

const heartbeatSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  startedAt: z.string(),
  lastBeatAt: z.string(),
  queues: z.array(z.string()),
});
export type WorkerHeartbeat = z.infer<typeof heartbeatSchema>;

export type HeartbeatOptions = { queues: string[]; now?: () => Date; intervalMs?: number };

/** Starts beating at once; the returned function stops and removes this worker's key. */
export async function startHeartbeat(connection: Redis, options: HeartbeatOptions) {
  const now = options.now ?? (() => new Date());
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const base = {
    id,
    host: hostname(),
    pid: process.pid,
    startedAt: now().toISOString(),
    queues: options.queues,
  };
  const beat = () =>
    connection.set(
      PREFIX + id,
      JSON.stringify({ ...base, lastBeatAt: now().toISOString() }),
      "EX",
      HEARTBEAT_TTL_SECONDS,
    );
  await beat();
  const timer = setInterval(() => {
    // A missed beat only makes the dashboard show the worker as gone for a moment.
    beat().catch(() => undefined);
  }, options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    id,
    stop: async () => {
      clearInterval(timer);
      await connection.del(PREFIX + id);
    },
  };
}

export async function readHeartbeats(connection: Redis): Promise<WorkerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await connection.scan(cursor, "MATCH", `${PREFIX}*`, "COUNT", 100);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  if (keys.length === 0) return [];
  const values = await connection.mget(keys);
  return values
    .flatMap((value) => {
      if (value === null) return []; // expired between SCAN and MGET
      const parsed = heartbeatSchema.safeParse(JSON.parse(value));
      return parsed.success ? [parsed.data] : [];
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}
