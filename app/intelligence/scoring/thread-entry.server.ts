import { parentPort, workerData } from "node:worker_threads";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { closeCopyPools } from "../copy-rows.server";
import { runScoring } from "./run.server";
import { enableTimings, reportThreadCpu } from "./timing";
import { stageThreads, type ThreadMessage } from "./thread.server";

// The scoring thread (thread.server.ts): one run with this thread's own database client.

const { runId, now } = workerData as { runId: string; now: string };
const post = (message: ThreadMessage) => parentPort!.postMessage(message);
enableTimings(env().SCORING_TIMINGS === "1");
reportThreadCpu("scoring thread loaded");
const db = prisma();
let threads: ReturnType<typeof stageThreads> | undefined;
try {
  const outcome = await runScoring(db, runId, {
    now: new Date(now),
    onProgress: async (progress) => post({ kind: "progress", progress }),
    // The stages that read no other stage's results compute on stage threads, beside this one
    // (ADR 0033); churn, which waits for them, runs here.
    runStage: (stage, context) => {
      if (!stage.thread || stage.after?.length) return stage.run(context);
      threads ??= stageThreads({ shop: context.shop, now: context.now, trigger: context.trigger });
      return threads.run(stage, context.onProgress);
    },
  });
  post({ kind: "done", outcome });
} catch (error) {
  post({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
} finally {
  const closing = threads?.close();
  await Promise.all([db.$disconnect(), closeCopyPools()]);
  reportThreadCpu("scoring thread, in all");
  await closing;
}
