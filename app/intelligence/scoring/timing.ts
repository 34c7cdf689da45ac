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

/** Runs `fn`, printing `label` and its seconds when SCORING_TIMINGS=1. */
export async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  if (!enabled()) return fn();
  const started = performance.now();
  try {
    return await fn();
  } finally {
    console.error(`[timing] ${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  }
}

/** The synchronous form of `timed`. */
export function timedSync<T>(label: string, fn: () => T): T {
  if (!enabled()) return fn();
  const started = performance.now();
  try {
    return fn();
  } finally {
    console.error(`[timing] ${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  }
}
