import { parentPort, workerData } from "node:worker_threads";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { closeCopyPools } from "../copy-rows.server";
import { SCORING_STAGES } from "./stages.server";
import type { StageThreadMessage, StageThreadRequest } from "./thread.server";
import { enableTimings, reportThreadCpu } from "./timing";

// A stage thread of a scoring run (thread.server.ts `stageThreads`), with its own database
// client: it runs each stage the scoring thread names (side by side when several), posting
// their progress and outcomes, until told to close.

const { name, shop, now, trigger } = workerData as {
  name: string;
  shop: string;
  now: string;
  trigger: string;
};
const port = parentPort!;
const post = (message: StageThreadMessage) => port.postMessage(message);
enableTimings(env().SCORING_TIMINGS === "1");
reportThreadCpu(`stage thread ${name} loaded`);
const db = prisma();

async function runStage(key: string) {
  try {
    const stage = SCORING_STAGES.find((s) => s.key === key);
    if (!stage) throw new Error(`no scoring stage "${key}"`);
    const outcome = await stage.run({
      db,
      shop,
      now: new Date(now),
      trigger,
      onProgress: async (progress) => post({ kind: "progress", key, progress }),
      upstream: Promise.resolve(),
    });
    post({ kind: "done", key, outcome });
  } catch (error) {
    post({ kind: "failed", key, message: error instanceof Error ? error.message : String(error) });
  }
}

port.on("message", (request: StageThreadRequest) => {
  if (request.kind === "run") void runStage(request.key);
  else {
    // Every stage has settled (the scoring thread closes only then): with the port closed and
    // the client disconnected, nothing keeps the thread alive.
    port.close();
    void Promise.all([db.$disconnect(), closeCopyPools()]).finally(() =>
      reportThreadCpu(`stage thread ${name}, in all`),
    );
  }
});
