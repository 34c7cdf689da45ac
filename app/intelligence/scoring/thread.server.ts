import { Worker } from "node:worker_threads";
import type { ScoringOutcome } from "./run.server";

// A full scoring runs on a worker thread (ADR 0032-scoring-event-loop): the fits, clustering
// and churn datasets are seconds of pure CPU at 100,000 customers, and the worker process
// that runs them also takes webhooks, crediting and syncs on its one event loop. The thread
// opens its own database client, so nothing large crosses between threads: the run id goes
// in, progress and the outcome come back.

export type ThreadMessage =
  | { kind: "progress"; progress: number }
  | { kind: "done"; outcome: ScoringOutcome }
  | { kind: "failed"; message: string };

const ENTRY = new URL("./thread-entry.server.ts", import.meta.url);

export function runScoringInThread(
  runId: string,
  options: { now: Date; onProgress?: (progress: number) => Promise<unknown> },
): Promise<ScoringOutcome> {
  return new Promise((resolve, reject) => {
    // The entry is TypeScript with the app's path aliases: the thread loads it through tsx,
    // as the worker process loads its own code.
    const worker = new Worker(ENTRY, {
      execArgv: ["--import", "tsx"],
      workerData: { runId, now: options.now.toISOString() },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.on("message", (message: ThreadMessage) => {
      if (message.kind === "progress") void options.onProgress?.(message.progress)?.catch(() => undefined);
      else if (message.kind === "done") settle(() => resolve(message.outcome));
      else settle(() => reject(new Error(message.message)));
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) =>
      settle(() => reject(new Error(`the scoring thread exited (code ${code}) before finishing`))),
    );
  });
}
