// The trend of a sampled series, as the soak reports it: the least-squares slope per
// minute, and the change from the first third of the run to the last third (means, so one
// spike does not decide it). A series "grows" when its last third is above its first third
// by more than the tolerance (relative, with an absolute floor for series near zero) and the
// slope agrees.

export type Sample = { atMs: number; value: number };

export type Trend = {
  n: number;
  first: number;
  last: number;
  /** Means of the first and the last third of the samples. */
  firstThird: number;
  lastThird: number;
  /** Least-squares slope, in the series' unit per minute. */
  slopePerMinute: number;
  max: number;
  grows: boolean;
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function trendOf(samples: Sample[], tolerance: { relative: number; absolute: number }): Trend | null {
  if (samples.length < 3) return null;
  const third = Math.max(1, Math.floor(samples.length / 3));
  const values = samples.map((s) => s.value);
  const firstThird = mean(values.slice(0, third));
  const lastThird = mean(values.slice(-third));
  const t0 = samples[0]!.atMs;
  const xs = samples.map((s) => (s.atMs - t0) / 60_000);
  const mx = mean(xs);
  const my = mean(values);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (values[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slopePerMinute = sxx === 0 ? 0 : sxy / sxx;
  const allowed = Math.max(tolerance.absolute, Math.abs(firstThird) * tolerance.relative);
  return {
    n: samples.length,
    first: values[0]!,
    last: values[values.length - 1]!,
    firstThird,
    lastThird,
    slopePerMinute,
    max: Math.max(...values),
    grows: lastThird - firstThird > allowed && slopePerMinute > 0,
  };
}
