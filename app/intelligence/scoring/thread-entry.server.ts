import { parentPort, workerData } from "node:worker_threads";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { runScoring } from "./run.server";
import { enableTimings } from "./timing";
import type { ThreadMessage } from "./thread.server";

// The scoring thread (thread.server.ts): one run with this thread's own database client.

const { runId, now } = workerData as { runId: string; now: string };
const post = (message: ThreadMessage) => parentPort!.postMessage(message);
enableTimings(env().SCORING_TIMINGS === "1");
const db = prisma();
try {
  const outcome = await runScoring(db, runId, {
    now: new Date(now),
    onProgress: async (progress) => post({ kind: "progress", progress }),
  });
  post({ kind: "done", outcome });
} catch (error) {
  post({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
} finally {
  await db.$disconnect();
}
