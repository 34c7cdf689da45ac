import { prisma, type PrismaClient } from "~/db.server";
import { queueHealth, workerHeartbeats } from "~/jobs/health.server";
import { logger } from "~/logger.server";
import { shopHeldOrders } from "~/loyalty/services/review.server";
import {
  formatDateTime,
  formatRelative,
  isLate,
  syncStatus,
  workerStatus,
  type JobsState,
  type QueueCounts,
  type Heartbeat,
  type SyncCounts,
} from "./present";

// Everything the status page shows for one shop. Every query is scoped by the shop of the
// authenticated session; queue and worker state come from Redis and may be unavailable,
// which the page says instead of failing.

export type StatusDeps = {
  db: PrismaClient;
  queueHealth: () => Promise<QueueCounts[]>;
  workerHeartbeats: () => Promise<Heartbeat[]>;
  now: () => Date;
};

const JOBS_TIMEOUT_MS = 3000;

export async function loadStatus(shop: string, deps: Partial<StatusDeps> = {}) {
  const { db = prisma(), now = () => new Date() } = deps;
  const [install, sync, failedEvents, held, jobs] = await Promise.all([
    loadInstall(db, shop),
    loadSyncCounts(db, shop),
    loadFailedEvents(db, shop),
    shopHeldOrders(db, shop),
    loadJobs(deps.queueHealth ?? queueHealth, deps.workerHeartbeats ?? workerHeartbeats),
  ]);
  const at = now();
  const timeZone = install?.ianaTimezone;
  return {
    install: install && {
      name: install.name ?? install.domain,
      domain: install.domain,
      status: install.status,
      planName: install.planName,
      currencyCode: install.currencyCode,
      installedSince: formatDateTime(install.installedAt.toISOString(), timeZone),
    },
    sync: {
      ...sync,
      status: syncStatus(sync),
      lastProcessed: sync.lastProcessedAt
        ? {
            at: formatDateTime(sync.lastProcessedAt, timeZone),
            ago: formatRelative(sync.lastProcessedAt, at),
          }
        : null,
      failedEvents: failedEvents.map((e) => ({
        id: e.id,
        topic: e.topic,
        receivedAt: formatDateTime(e.receivedAt.toISOString(), timeZone),
        reason: e.lastError ?? "No reason recorded",
      })),
    },
    held: {
      members: held.members,
      orders: held.orders.map((o) => ({
        orderId: o.orderId.toString(),
        customerId: o.customerId.toString(),
        points: o.points,
        placedAt: formatDateTime(o.placedAt.toISOString(), timeZone),
      })),
    },
    timeZone: timeZone ?? "UTC",
    jobs: {
      status: workerStatus(jobs, at),
      unavailableReason: jobs.ok ? null : jobs.reason,
      queues: jobs.ok ? jobs.queues : [],
      workers: jobs.ok
        ? jobs.workers.map((w) => ({
            id: w.id,
            host: w.host,
            pid: w.pid,
            queues: w.queues,
            late: isLate(w, at),
            lastBeat: formatRelative(w.lastBeatAt, at),
            runningSince: formatDateTime(w.startedAt, timeZone),
          }))
        : [],
    },
  };
}

export type StatusPage = Awaited<ReturnType<typeof loadStatus>>;

function loadInstall(db: PrismaClient, shop: string) {
  return db.shop.findUnique({ where: { domain: shop } });
}

export async function loadSyncCounts(db: PrismaClient, shop: string): Promise<SyncCounts> {
  const [customers, orders, products, backlog, failed, processed] = await Promise.all([
    db.customer.count({ where: { shop } }),
    db.order.count({ where: { shop } }),
    db.product.count({ where: { shop } }),
    db.webhookEvent.count({ where: { shop, status: "received" } }),
    db.webhookEvent.count({ where: { shop, status: "failed" } }),
    db.webhookEvent.aggregate({ where: { shop, status: "processed" }, _max: { processedAt: true } }),
  ]);
  const last = processed._max.processedAt;
  return { customers, orders, products, backlog, failed, lastProcessedAt: last ? last.toISOString() : null };
}

/** Failed inbox rows shown with their reasons; the count above says how many there are in all. */
export const FAILED_EVENTS_SHOWN = 5;

function loadFailedEvents(db: PrismaClient, shop: string) {
  return db.webhookEvent.findMany({
    where: { shop, status: "failed" },
    orderBy: { receivedAt: "desc" },
    take: FAILED_EVENTS_SHOWN,
    select: { id: true, topic: true, receivedAt: true, lastError: true },
  });
}

// Redis may be down; its client then queues commands, so the wait is bounded here.
async function loadJobs(
  readQueues: StatusDeps["queueHealth"],
  readWorkers: StatusDeps["workerHeartbeats"],
): Promise<JobsState> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`no answer from Redis within ${JOBS_TIMEOUT_MS} ms`));
    }, JOBS_TIMEOUT_MS);
  });
  try {
    const [queues, workers] = await Promise.race([Promise.all([readQueues(), readWorkers()]), timeout]);
    return { ok: true, queues, workers };
  } catch (error) {
    logger().warn({ err: error }, "status page could not read queue health");
    // The merchant sees what failed, not error text that may name internal hosts.
    return {
      ok: false,
      reason: timedOut
        ? "Redis did not answer within 3 seconds."
        : "Reading the queues failed; the app logs have the details.",
    };
  } finally {
    clearTimeout(timer);
  }
}
