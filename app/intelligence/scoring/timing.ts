// Step timers for profiling a scoring run: once `enableTimings()` has been called in the
// thread (the scoring thread does when SCORING_TIMINGS=1, app/env.server.ts) each timed step
// prints its seconds on stderr — the benchmark's way to see where the time goes; otherwise
// nothing is measured or printed. A module flag, so the pure models need no settings.

let on = false;
const enabled = () => on;

/** Timed steps print their seconds from now on (in this thread). */
export function enableTimings(value = true): void {
  on = value;
}

// This thread's CPU time beside the wall time: on the shared machine a step's wall time is
// mostly waiting for a core, its CPU time much less so (`process.threadCpuUsage`, Node ≥ 23.9;
// an async step's CPU counts whatever else ran on the thread meanwhile).
const threadCpu = () => {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : Number.NaN;
};
const clock = () => ({ wall: performance.now(), cpu: threadCpu() });

function report(label: string, started: ReturnType<typeof clock>) {
  const cpu = threadCpu() - started.cpu;
  console.error(
    `[timing] ${label}: ${((performance.now() - started.wall) / 1000).toFixed(2)} s` +
      (Number.isNaN(cpu) ? "" : ` (thread CPU ${(cpu / 1000).toFixed(2)} s)`),
  );
}

/** Runs `fn`, printing `label` and its seconds when SCORING_TIMINGS=1. */
export async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled()) return fn();
  const started = clock();
  try {
    return await fn();
  } finally {
    report(label, started);
  }
}

/** The synchronous form of `timed`. */
export function timedSync<T>(label: string, fn: () => T): T {
  if (!enabled()) return fn();
  const started = clock();
  try {
    return fn();
  } finally {
    report(label, started);
  }
}

/** With SCORING_TIMINGS=1, prints this thread's CPU time so far (its loading, at the entry's start; its total, at its end). */
export function reportThreadCpu(label: string): void {
  if (!enabled()) return;
  const cpu = threadCpu();
  if (!Number.isNaN(cpu)) console.error(`[timing] ${label}: thread CPU ${(cpu / 1000).toFixed(2)} s`);
}
