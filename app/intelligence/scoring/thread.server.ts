import { Worker } from "node:worker_threads";
import type { ScoringOutcome } from "./run.server";
import type { ScoringStage, StageOutcome } from "./stages.server";

// A full scoring runs on a worker thread (ADR 0032-scoring-event-loop): the fits, clustering
// and churn datasets are seconds of pure CPU at 100,000 customers, and the worker process
// that runs them also takes webhooks, crediting and syncs on its one event loop. The thread
// opens its own database client, so nothing large crosses between threads: the run id goes
// in, progress and the outcome come back. Inside it, the stages that read no other stage's
// results run on stage threads (ADR 0033), so their computing overlaps on the machine's cores;
// the same rule holds there: a stage's key goes in, its progress and outcome come back. Stages
// naming the same `thread` share one: each thread loads the app, opens a database client and
// compiles and collects on its own (~1 CPU second apiece), and two short stages fill one
// thread's share of two cores (ADR 0033, sixth pass).

export type ThreadMessage =
  | { kind: "progress"; progress: number }
  | { kind: "done"; outcome: ScoringOutcome }
  | { kind: "failed"; message: string };

/** From the scoring thread to a stage thread: run a stage, or finish (no stage left to run). */
export type StageThreadRequest = { kind: "run"; key: string } | { kind: "close" };

/** From a stage thread, about the stage `key`. */
export type StageThreadMessage =
  | { kind: "progress"; key: string; progress: number }
  | { kind: "done"; key: string; outcome: StageOutcome }
  | { kind: "failed"; key: string; message: string };

const ENTRY = new URL("./thread-entry.server.ts", import.meta.url);
const STAGE_ENTRY = new URL("./stage-thread-entry.server.ts", import.meta.url);
const YOUNG_GENERATION_MB = 192;

export function runScoringInThread(
  runId: string,
  options: { now: Date; onProgress?: (progress: number) => Promise<unknown> },
): Promise<ScoringOutcome> {
  return new Promise((resolve, reject) => {
    const worker = startThread(ENTRY, { runId, now: options.now.toISOString() });
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

type Pending = {
  resolve: (outcome: StageOutcome) => void;
  reject: (error: Error) => void;
  onProgress: (fraction: number) => Promise<unknown>;
};

/**
 * The stage threads of one scoring (`stage-thread-entry.server.ts`), started when their first
 * stage runs; `close` ends them once every stage has settled.
 */
export function stageThreads(run: { shop: string; now: Date; trigger: string }) {
  const threads = new Map<string, { worker: Worker; pending: Map<string, Pending>; exited: Promise<void> }>();
  const open = (name: string) => {
    const existing = threads.get(name);
    if (existing) return existing;
    const worker = startThread(STAGE_ENTRY, {
      name,
      shop: run.shop,
      now: run.now.toISOString(),
      trigger: run.trigger,
    });
    const pending = new Map<string, Pending>();
    const failAll = (error: Error) => {
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    };
    worker.on("message", (message: StageThreadMessage) => {
      const p = pending.get(message.key);
      if (!p) return;
      if (message.kind === "progress") void p.onProgress(message.progress)?.catch(() => undefined);
      else {
        pending.delete(message.key);
        if (message.kind === "done") p.resolve(message.outcome);
        else p.reject(new Error(message.message));
      }
    });
    worker.on("error", failAll);
    const exited = new Promise<void>((resolve) =>
      worker.on("exit", (code) => {
        failAll(new Error(`the stage thread "${name}" exited (code ${code}) before finishing`));
        resolve();
      }),
    );
    const thread = { worker, pending, exited };
    threads.set(name, thread);
    return thread;
  };
  return {
    /** Runs `stage` on its thread (`stage.thread`), progress through `onProgress`. */
    run(stage: ScoringStage, onProgress: (fraction: number) => Promise<unknown>): Promise<StageOutcome> {
      const thread = open(stage.thread ?? stage.key);
      return new Promise((resolve, reject) => {
        thread.pending.set(stage.key, { resolve, reject, onProgress });
        thread.worker.postMessage({ kind: "run", key: stage.key } satisfies StageThreadRequest);
      });
    },
    /** Lets every thread finish (its database client closed) and waits for them to exit. */
    async close(): Promise<void> {
      for (const { worker } of threads.values())
        worker.postMessage({ kind: "close" } satisfies StageThreadRequest);
      await Promise.all([...threads.values()].map((t) => t.exited));
    },
  };
}

function startThread(entry: URL, workerData: Record<string, string>): Worker {
  // The entry is TypeScript with the app's path aliases: the thread loads it through tsx,
  // as the worker process loads its own code.
  return new Worker(entry, {
    execArgv: ["--import", "tsx"],
    workerData,
    // The models allocate millions of short-lived objects (orders, dataset rows): a young
    // generation larger than V8's default lets most of them die there instead of being
    // promoted and marked (ADR 0033).
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
}
