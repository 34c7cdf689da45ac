// Step timers for profiling a scoring run: with SCORING_TIMINGS=1 in the environment each
// timed step prints its seconds on stderr (the benchmark's way to see where the time goes);
// otherwise nothing is measured or printed.

const enabled = () => process.env.SCORING_TIMINGS === "1";

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
