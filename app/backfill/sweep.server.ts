import type { PrismaClient } from "~/db.server";
import { logger } from "~/logger.server";

/**
 * Re-enqueues backfill runs still queued or running whose job may be gone: its enqueue
 * failed after the run was created (Redis slow or down when the shop installed), or Redis
 * lost its data. Each is re-added by its run id, which leaves a job still in Redis alone.
 * Runs the inbox sweep's schedule, with the same delay (none after Redis comes back).
 */
export async function sweepBackfills(deps: {
  db: PrismaClient;
  enqueue: (runId: string) => Promise<void>;
  olderThan: Date;
}): Promise<{ backfills: number }> {
  const runs = await deps.db.backfillRun.findMany({
    where: { status: { in: ["queued", "running"] }, updatedAt: { lt: deps.olderThan } },
    select: { id: true },
  });
  for (const run of runs) await deps.enqueue(run.id);
  if (runs.length) logger().info({ backfills: runs.length }, "Re-enqueued active backfill runs");
  return { backfills: runs.length };
}
