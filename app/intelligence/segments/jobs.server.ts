import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import type { PrismaClient } from "~/db.server";
import { startSegmentRun } from "./compute.server";

/** Starts (or joins) the shop's segment run and asks the analytics worker to compute it. */
export async function requestSegmentRun(db: PrismaClient, shop: string, now = new Date()): Promise<string> {
  const { id } = await startSegmentRun(db, shop, now);
  // Job id = run id: a second click while the run is queued adds nothing.
  try {
    await enqueue(QUEUE.analytics, "compute-segments", { runId: id }, { jobId: id });
  } catch (error) {
    // Without its job the run would sit at 0% until it went stale: fail it so the page says so.
    await db.segmentRun.updateMany({
      where: { id, status: "running", progress: 0 },
      data: {
        status: "failed",
        finishedAt: new Date(),
        error: "The job queue is unavailable; try again shortly.",
      },
    });
    throw error;
  }
  return id;
}
