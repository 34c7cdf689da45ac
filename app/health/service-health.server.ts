import type { Redis } from "ioredis";
import { prisma, type PrismaClient } from "../db.server";
import { redis } from "../redis.server";

// What /healthz reports: whether PostgreSQL and Redis answer, and how fast. Only
// booleans and timings leave this module, never connection strings or error texts.

export type Probe = { ok: boolean; latencyMs: number };
export type ServiceHealth = { status: "ok" | "degraded"; database: Probe; redis: Probe };

const PROBE_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<Probe> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { ok: false, latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkServices(deps: { db?: PrismaClient; redis?: Redis } = {}): Promise<ServiceHealth> {
  const db = deps.db ?? prisma();
  const client = deps.redis ?? redis();
  const [database, cache] = await Promise.all([
    probe(() => db.$queryRaw`SELECT 1`),
    probe(() => client.ping()),
  ]);
  return { status: database.ok && cache.ok ? "ok" : "degraded", database, redis: cache };
}
