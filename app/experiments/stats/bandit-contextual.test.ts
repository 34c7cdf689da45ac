import { describe, expect, it } from "vitest";

import { banditUpdate, DEFAULT_BANDIT_SETTINGS, type BanditSettings } from "./bandit-allocation";
import { contextualUpdate } from "./bandit-contextual";
import { shrinkSegments, type SegmentCell } from "./bandit-shrinkage";
import type { MeanStats } from "./estimates";
import { SeededRandom } from "./random";
import fixtures from "./reference/bandit-shrinkage-fixtures.json";

// The partial pooling against reference/bandit_shrinkage.py (numpy/scipy, dense GLS and
// REML), then what the per-segment update does with it.

function close(actual: number, expected: number, tolerance = 1e-6) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

describe("shrinkage toward the pooled arm order (reference values)", () => {
  it.each(fixtures.scenarios)("$name", (f) => {
    const result = shrinkSegments(f.cells as (SegmentCell | null)[][]);
    if (!result.ok) throw new Error(result.reason);
    // τ² is an optimum: compare it on the scale of the cells' variances, where it acts.
    const scale = Math.max(...f.cells.flat().map((c) => (c ? c.variance : 0)));
    close(result.tau2 / scale, f.expected.tau2 / scale, 1e-5);
    result.armMeans.forEach((m, a) => close(m, f.expected.armMeans[a]!));
    result.segmentEffects.forEach((b, s) => close(b, f.expected.segmentEffects[s]!));
    result.cells.forEach((row, s) =>
      row.forEach((cell, a) => {
        const expected = f.expected.cells[s]![a]!;
        close(cell.mean, expected.mean);
        close(cell.sd, expected.sd);
        close(cell.shrinkage, expected.shrinkage);
        result.covariance[s]![a]!.forEach((c, b) =>
          close(c, f.expected.covariance[s]![a]![b]!, 1e-6 * Math.max(1, expected.sd ** 2)),
        );
      }),
    );
  });

  it("pulls a noisy segment to the pooled order and leaves a well-measured one alone", () => {
    const cells: SegmentCell[][] = [
      [
        { mean: 1.0, variance: 0.0001 },
        { mean: 1.5, variance: 0.0001 },
      ],
      [
        { mean: 2.0, variance: 0.0001 },
        { mean: 1.5, variance: 0.0001 },
      ],
      [
        { mean: 1.4, variance: 0.5 },
        { mean: 1.0, variance: 0.5 },
      ],
    ];
    const result = shrinkSegments(cells);
    if (!result.ok) throw new Error(result.reason);
    expect(result.tau2).toBeGreaterThan(0.01);
    expect(result.cells[0]![0]!.shrinkage).toBeLessThan(0.05);
    expect(result.cells[2]![0]!.shrinkage).toBeGreaterThan(0.5);
  });

  it("refuses what it cannot fit, with a reason", () => {
    expect(
      shrinkSegments([
        [
          { mean: 1, variance: 0.1 },
          { mean: 1, variance: 0.1 },
        ],
      ]),
    ).toMatchObject({ ok: false });
    expect(
      shrinkSegments([
        [{ mean: 1, variance: 0.1 }, null],
        [null, { mean: 1, variance: 0.1 }],
      ]),
    ).toMatchObject({ ok: false });
    expect(
      shrinkSegments([
        [
          { mean: 1, variance: 0.1 },
          { mean: 1.1, variance: 0.1 },
        ],
        [null, null],
      ]),
    ).toMatchObject({ ok: false, reason: "segment 2 has no data" });
  });
});

const SETTINGS: BanditSettings = {
  ...DEFAULT_BANDIT_SETTINGS,
  burnInPeriods: 0,
  minShare: 0.05,
  maxChange: 0.3,
};

/** One period of normal rewards per segment: `means[s][a]`, `n` members per arm. */
function segmentPeriods(means: number[][], n: number[], seed: number): MeanStats[][][] {
  const random = new SeededRandom(seed);
  return means.map((row, s) => [
    row.map((mu) => {
      const stats = { n: 0, sum: 0, sumSquares: 0 };
      for (let i = 0; i < n[s]!; i++) {
        const y = mu + random.normal();
        stats.n++;
        stats.sum += y;
        stats.sumSquares += y * y;
      }
      return stats;
    }),
  ]);
}

function update(means: number[][], n: number[], minSegmentMembers = 200) {
  const segments = segmentPeriods(means, n, 7);
  const pooledPeriods = [
    means[0]!.map((_, a) =>
      segments.reduce(
        (t, s) => ({
          n: t.n + s[0]![a]!.n,
          sum: t.sum + s[0]![a]!.sum,
          sumSquares: t.sumSquares + s[0]![a]!.sumSquares,
        }),
        { n: 0, sum: 0, sumSquares: 0 },
      ),
    ),
  ];
  const current = [0.5, 0.5];
  const pooled = banditUpdate({
    periods: pooledPeriods,
    kind: "mean",
    current,
    periodIndex: 5,
    settings: SETTINGS,
  });
  return contextualUpdate({
    segments: segments.map((periods, s) => ({ key: `s${s}`, periods })),
    kind: "mean",
    pooled,
    current: new Map(),
    pooledCurrent: current,
    settings: SETTINGS,
    minSegmentMembers,
  });
}

describe("per-segment allocations", () => {
  it("sends each segment toward its own best arm when segments differ", () => {
    const result = update(
      [
        [1.0, 1.4],
        [1.4, 1.0],
      ],
      [400, 400],
    );
    const [a, b] = result.segments;
    if (!a?.allocated || !b?.allocated) throw new Error("both segments should have an allocation");
    expect(a.arms[1]!.probabilityBest).toBeGreaterThan(0.99);
    expect(b.arms[0]!.probabilityBest).toBeGreaterThan(0.99);
    expect(a.weights[1]).toBeCloseTo(0.8, 6);
    expect(b.weights[0]).toBeCloseTo(0.8, 6);
    expect(a.weightsBps.reduce((s, w) => s + w, 0)).toBe(10_000);
  });

  it("leaves a segment below the minimum on the pooled allocation, with its shrunk posterior shown", () => {
    const result = update(
      [
        [1.0, 1.3],
        [1.0, 1.3],
        [1.5, 1.0],
      ],
      [500, 500, 20],
    );
    const small = result.segments[2]!;
    expect(small.allocated).toBe(false);
    if (small.allocated) return;
    expect(small.reason).toMatch(/40 members, 200 needed/);
    expect(small.arms![0]!.shrinkage).toBeGreaterThan(0.5);
    // The small segment's own data say arm 1; the pooled order (arm 2) dominates its posterior.
    expect(small.arms![1]!.probabilityBest).toBeGreaterThan(0.5);
  });

  it("follows the pooled allocation while the pooled update does not move traffic", () => {
    const segments = segmentPeriods([[1, 1.2]], [50], 3);
    const pooled = banditUpdate({
      periods: segments[0]!,
      kind: "mean",
      current: [0.5, 0.5],
      periodIndex: 1,
      settings: { ...SETTINGS, burnInPeriods: 24 },
    });
    const result = contextualUpdate({
      segments: [{ key: "only", periods: segments[0]! }],
      kind: "mean",
      pooled,
      current: new Map(),
      pooledCurrent: [0.5, 0.5],
      settings: SETTINGS,
      minSegmentMembers: 10,
    });
    expect(result.segments[0]).toMatchObject({ allocated: false });
    expect(result.tau2).toBeNull();
  });
});
