import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  banditUpdate,
  DEFAULT_BANDIT_SETTINGS,
  limitChange,
  toBasisPoints,
  withMinimumShare,
  type BanditInput,
} from "./bandit-allocation";
import { bestArms, correlatedBestArms } from "./bandit-best";
import { armPosteriors, type BanditPrior, type PeriodWeighting, type RewardKind } from "./bandit-posterior";
import type { MeanStats } from "./estimates";
import { SeededRandom } from "./random";
import fixtures from "./reference/bandit-fixtures.json";

// Numbers against reference/bandit.py (numpy/scipy from the raw per-member data); the
// constraints of an update; period weighting's unbiasedness under an allocation shift.

function close(actual: number, expected: number, tolerance = 1e-6) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

const WEIGHTINGS: PeriodWeighting[] = ["population", "precision", "fixed-effects"];
const cases = (kind?: string) =>
  fixtures.scenarios
    .filter((f) => !kind || f.kind === kind)
    .flatMap((f) => WEIGHTINGS.map((weighting) => ({ ...f, weighting, expected: f.expected[weighting] })));

const posteriorsOf = (f: {
  periods: MeanStats[][];
  kind: string;
  prior: unknown;
  weighting: PeriodWeighting;
}) =>
  armPosteriors(
    f.periods,
    f.kind as RewardKind,
    (f.prior ?? undefined) as BanditPrior | undefined,
    0,
    f.weighting,
  );

describe("period-weighted posteriors against reference/bandit.py", () => {
  it.each(cases())("$name ($weighting weights)", (f) => {
    const result = posteriorsOf(f);
    if (!result.ok) throw new Error(result.reason);
    result.periodWeights.forEach((w, p) => close(w, f.expected.periodWeights[p]!, 1e-12));
    result.arms.forEach((arm, a) => {
      const expected = f.expected.arms[a]!;
      expect(arm.n).toBe(expected.n);
      close(arm.mean, expected.mean, 1e-9);
      close(arm.variance, expected.variance, 1e-9);
      close(arm.effectiveN, expected.effectiveN, 1e-9);
    });
    result.posteriors.forEach((p, a) => {
      const expected = f.expected.posteriors[a]! as Record<string, number | string>;
      for (const [key, value] of Object.entries(expected))
        if (typeof value === "number") close((p as unknown as Record<string, number>)[key]!, value, 1e-9);
    });
    const covariance = (f.expected as { covariance?: number[][] }).covariance;
    expect(Boolean(result.covariance)).toBe(f.weighting === "fixed-effects");
    covariance?.forEach((row, i) => row.forEach((c, j) => close(result.covariance![i]![j]!, c, 1e-9)));
  });
});

const independent = (kind?: string) => cases(kind).filter((f) => f.weighting !== "fixed-effects");

describe("probability of being best and expected loss against scipy's quadrature", () => {
  it.each(independent("mean"))("$name ($weighting weights; quadrature, 1e-6)", (f) => {
    const result = posteriorsOf(f);
    if (!result.ok) throw new Error(result.reason);
    const best = bestArms(result.posteriors, { higherIsBetter: f.higherIsBetter });
    expect(best.method).toBe("quadrature");
    best.probabilities.forEach((p, a) => close(p, f.expected.probabilityBest[a]!, 1e-6));
    best.expectedLoss.forEach((l, a) => close(l, f.expected.expectedLoss[a]!, 1e-6));
  });

  it.each(independent("binary"))("$name ($weighting weights; Monte Carlo, within 4 s.e.)", (f) => {
    const result = posteriorsOf(f);
    if (!result.ok) throw new Error(result.reason);
    const draws = 200_000;
    const best = bestArms(result.posteriors, { higherIsBetter: f.higherIsBetter, draws, seed: 7 });
    expect(best.method).toBe("monte-carlo");
    best.probabilities.forEach((p, a) => {
      const q = f.expected.probabilityBest[a]!;
      expect(Math.abs(p - q)).toBeLessThanOrEqual(4 * Math.sqrt((q * (1 - q)) / draws) + 1e-9);
    });
    best.expectedLoss.forEach((l, a) =>
      expect(Math.abs(l - f.expected.expectedLoss[a]!)).toBeLessThanOrEqual(2e-4),
    );
  });

  it.each(cases().filter((f) => f.weighting === "fixed-effects"))(
    "$name (period effects: correlated arms; scipy's multivariate normal CDF, within 4 s.e.)",
    (f) => {
      const result = posteriorsOf(f);
      if (!result.ok) throw new Error(result.reason);
      const draws = 200_000;
      const best = correlatedBestArms(
        result.posteriors.map((p) => p.mean),
        result.covariance!,
        { higherIsBetter: f.higherIsBetter, draws, seed: 7 },
      );
      const expected = f.expected as typeof f.expected & { expectedLossSe: number[] };
      best.probabilities.forEach((p, a) => {
        const q = expected.probabilityBest[a]!;
        // Two arms: exact (Φ of the difference); more: Monte Carlo.
        const tolerance = result.posteriors.length === 2 ? 1e-9 : 4 * Math.sqrt((q * (1 - q)) / draws);
        expect(Math.abs(p - q)).toBeLessThanOrEqual(tolerance + 1e-9);
      });
      // The reference's loss is Monte Carlo over 4,000,000 draws: its s.e., scaled to ours, both.
      best.expectedLoss.forEach((l, a) => {
        const se = expected.expectedLossSe[a]! * Math.sqrt(1 + 4_000_000 / draws);
        expect(Math.abs(l - expected.expectedLoss[a]!)).toBeLessThanOrEqual(4 * se + 1e-9);
      });
    },
  );

  it("agrees with Monte Carlo on normal posteriors, and is deterministic under a seed", () => {
    const posteriors = [
      { kind: "normal" as const, mean: 1, sd: 0.1 },
      { kind: "normal" as const, mean: 1.1, sd: 0.2 },
      { kind: "normal" as const, mean: 0.9, sd: 0.005 },
    ];
    const exact = bestArms(posteriors);
    const mc = bestArms(posteriors, { method: "monte-carlo", draws: 200_000, seed: 3 });
    exact.probabilities.forEach((p, i) => expect(Math.abs(p - mc.probabilities[i]!)).toBeLessThan(0.005));
    expect(bestArms(posteriors, { method: "monte-carlo", seed: 9 })).toEqual(
      bestArms(posteriors, { method: "monte-carlo", seed: 9 }),
    );
  });

  it("probabilities sum to 1 and expected losses are never negative (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            mean: fc.double({ min: -5, max: 5, noNaN: true }),
            sd: fc.double({ min: 0.1, max: 3, noNaN: true }),
          }),
          {
            minLength: 2,
            maxLength: 5,
          },
        ),
        (arms) => {
          const best = bestArms(arms.map((a) => ({ kind: "normal" as const, ...a })));
          close(
            best.probabilities.reduce((s, p) => s + p, 0),
            1,
            1e-12,
          );
          best.expectedLoss.forEach((l) => expect(l).toBeGreaterThanOrEqual(0));
        },
      ),
      { numRuns: 40 },
    );
  });
});

const stats = (n: number, mean: number): MeanStats => ({
  n,
  sum: n * mean,
  sumSquares: n * (mean * mean + 1),
});

describe("the next allocation", () => {
  const input = (over: Partial<BanditInput> = {}): BanditInput => ({
    periods: [[stats(500, 10), stats(500, 10.5), stats(500, 9)]],
    kind: "mean",
    current: [1 / 3, 1 / 3, 1 / 3],
    periodIndex: 30,
    settings: DEFAULT_BANDIT_SETTINGS,
    ...over,
  });

  it("keeps equal shares through the burn-in, whatever the data say", () => {
    const update = banditUpdate(input({ periodIndex: 23, current: [0.1, 0.8, 0.1] }));
    expect(update.phase).toBe("burn-in");
    expect(update.weightsBps).toEqual([3334, 3333, 3333]);
    expect(update.posterior).toBeNull();
  });

  it("keeps the allocation in force until there are enough members, saying how many", () => {
    const update = banditUpdate(
      input({ periods: [[stats(50, 10), stats(50, 11), stats(50, 9)]], current: [0.2, 0.5, 0.3] }),
    );
    expect(update.phase).toBe("waiting-for-data");
    expect(update.weights).toEqual([0.2, 0.5, 0.3]);
    expect(update.reason).toContain("300 needed");
    const empty = banditUpdate(input({ periods: [[stats(500, 10), stats(0, 0), stats(500, 9)]] }));
    expect(empty.reason).toContain("arm 2: no members in this arm yet");
  });

  it("moves toward P(best), by at most the maximum change, never below the minimum share", () => {
    const update = banditUpdate(input());
    expect(update.phase).toBe("thompson");
    const best = update.posterior!.arms.map((a) => a.probabilityBest);
    expect(best[1]).toBeGreaterThan(0.99);
    update.weights.forEach((w, i) => {
      expect(Math.abs(w - 1 / 3)).toBeLessThanOrEqual(DEFAULT_BANDIT_SETTINGS.maxChange + 1e-4);
      expect(w).toBeGreaterThanOrEqual(DEFAULT_BANDIT_SETTINGS.minShare - 1e-4);
      expect(Math.sign(w - 1 / 3)).toBe(i === 1 ? 1 : -1);
    });
    expect(update.weightsBps.reduce((s, b) => s + b, 0)).toBe(10_000);
  });

  it("honours the minimum share and the maximum change for any target (property)", () => {
    const simplex = (n: number) =>
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((xs) => {
        const total = xs.reduce((s, x) => s + x, 0);
        return total > 0 ? xs.map((x) => x / total) : xs.map(() => 1 / n);
      });
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 5 })
          .chain((n) =>
            fc.tuple(
              simplex(n),
              simplex(n),
              fc.double({ min: 0, max: 1 / n, noNaN: true }),
              fc.double({ min: 0.01, max: 1, noNaN: true }),
            ),
          ),
        ([target, start, minShare, maxChange]) => {
          const current = withMinimumShare(start, minShare);
          const lifted = withMinimumShare(target, minShare);
          close(
            lifted.reduce((s, w) => s + w, 0),
            1,
            1e-12,
          );
          lifted.forEach((w) => expect(w).toBeGreaterThanOrEqual(minShare - 1e-12));
          const next = limitChange(current, lifted, maxChange);
          close(
            next.reduce((s, w) => s + w, 0),
            1,
            1e-12,
          );
          next.forEach((w, i) => {
            expect(w).toBeGreaterThanOrEqual(minShare - 1e-12);
            expect(Math.abs(w - current[i]!)).toBeLessThanOrEqual(maxChange + 1e-12);
          });
          expect(toBasisPoints(next).reduce((s, b) => s + b, 0)).toBe(10_000);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives the same update for the same period (seeded Monte Carlo)", () => {
    const binary = input({
      kind: "binary",
      periods: [[stats(400, 0.05), stats(400, 0.06), stats(400, 0.04)]].map((p) =>
        p.map((s) => ({ ...s, sumSquares: s.sum })),
      ),
    });
    expect(banditUpdate(binary)).toEqual(banditUpdate(binary));
  });
});

describe("strata", () => {
  it("merges consecutive periods until every arm has enough members; a short tail joins the last", async () => {
    const { mergePeriods } = await import("./bandit-posterior");
    const p = (a: number, b: number) => [stats(a, 1), stats(b, 1)];
    const merged = mergePeriods([p(50, 5), p(50, 5), p(50, 30), p(10, 1)], 30);
    expect(merged.map((m) => m.map((a) => a.n))).toEqual([[160, 41]]);
    expect(mergePeriods([p(40, 40), p(40, 40)], 30).map((m) => m.map((a) => a.n))).toEqual([
      [40, 40],
      [40, 40],
    ]);
  });
});

describe("period effects: an arm at its floor does not thin the others' periods", () => {
  // Three arms: a first period at equal shares, then many periods in which arm 1 has one member
  // and arms 2 and 3 share the rest. Common precision weights give every late period the
  // harmonic size of ~1 member, so arms 2 and 3 keep the first period's width; the regression
  // compares them within each period with all their members, as pooling would.
  const periods: MeanStats[][] = [[stats(100, 1), stats(100, 1.1), stats(100, 1.2)]];
  for (let p = 0; p < 40; p++) periods.push([stats(1, 1), stats(100, 1.1), stats(100, 1.2)]);
  const sdOfContrast = (weighting: PeriodWeighting) => {
    const result = armPosteriors(periods, "mean", undefined, 0, weighting);
    if (!result.ok) throw new Error(result.reason);
    if (result.covariance) {
      const c = result.covariance;
      return Math.sqrt(c[1]![1]! + c[2]![2]! - 2 * c[1]![2]!);
    }
    return Math.hypot(result.posteriors[1]!.sd, result.posteriors[2]!.sd);
  };

  it("gives the contrast of the two arms in contention the pooled precision; common weights do not", () => {
    const pooled = Math.sqrt(2 / 4100); // σ = 1 in every arm, 4,100 members in each
    expect(sdOfContrast("fixed-effects") / pooled).toBeLessThan(1.01);
    expect(sdOfContrast("precision") / pooled).toBeGreaterThan(2);
  });

  it("with one period is the conjugate normal of each arm, independent", () => {
    const one = armPosteriors([[stats(400, 10), stats(300, 11)]], "mean");
    if (!one.ok) throw new Error(one.reason);
    one.posteriors.forEach((p, a) => close(p.mean, [10, 11][a]!, 1e-12));
    // stats() gives each arm a sample variance of n/(n − 1).
    close(one.covariance![0]![0]!, 1 / 399, 1e-9);
    close(one.covariance![1]![1]!, 1 / 299, 1e-9);
    close(one.covariance![0]![1]!, 0, 1e-12);
  });

  it("says so when an arm has not shared a period with the others", () => {
    const apart = armPosteriors(
      [
        [stats(50, 1), stats(50, 2), stats(0, 0)],
        [stats(0, 0), stats(0, 0), stats(50, 3)],
      ],
      "mean",
    );
    expect(apart).toEqual({ ok: false, reason: "some arm has not yet shared a period with the others" });
  });
});

describe("period weighting under an allocation shift", () => {
  // Two arms with the same truth; the baseline doubles in the second period while the
  // allocation moves from 50/50 to 90/10. Pooling all members favours the arm that got more
  // of the good period (Simpson); the period-weighted means stay unbiased.
  it("the pooled difference is biased, the period-weighted and period-effects ones are not, as in the reference", () => {
    const random = new SeededRandom(11);
    const replications = 2000;
    let pooled = 0;
    const differences: Record<PeriodWeighting, number[]> = {
      population: [],
      precision: [],
      "fixed-effects": [],
    };
    for (let r = 0; r < replications; r++) {
      const periods = (
        [
          [0.05, [0.5, 0.5]],
          [0.1, [0.9, 0.1]],
        ] as const
      ).map(([level, weights]) => {
        const arms: MeanStats[] = [0, 1].map(() => ({ n: 0, sum: 0, sumSquares: 0 }));
        for (let i = 0; i < 2000; i++) {
          const arm = arms[random.categorical(weights)]!;
          const y = random.uniform() < level ? 1 : 0;
          arm.n++;
          arm.sum += y;
          arm.sumSquares += y;
        }
        return arms;
      });
      const total = (a: number) =>
        periods.reduce((s, p) => ({ n: s.n + p[a]!.n, sum: s.sum + p[a]!.sum }), { n: 0, sum: 0 });
      pooled += total(0).sum / total(0).n - total(1).sum / total(1).n;
      for (const weighting of WEIGHTINGS) {
        const result = armPosteriors(periods, "binary", undefined, 0, weighting);
        if (!result.ok) throw new Error(result.reason);
        differences[weighting].push(result.arms[0]!.mean - result.arms[1]!.mean);
      }
    }
    for (const weighting of WEIGHTINGS) {
      const d = differences[weighting];
      const mean = d.reduce((s, x) => s + x, 0) / replications;
      const se = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (replications - 1) / replications);
      expect(Math.abs(mean)).toBeLessThan(3 * se);
    }
    expect(pooled / replications).toBeGreaterThan(0.02);
    expect(Math.abs(pooled / replications - fixtures.shiftBias.pooledDifference)).toBeLessThan(0.002);
    expect(Math.abs(fixtures.shiftBias.weightedDifference)).toBeLessThan(3 * fixtures.shiftBias.weightedSe);
    expect(Math.abs(fixtures.shiftBias.precisionDifference)).toBeLessThan(3 * fixtures.shiftBias.precisionSe);
    expect(Math.abs(fixtures.shiftBias.fixedEffectsDifference)).toBeLessThan(
      3 * fixtures.shiftBias.fixedEffectsSe,
    );
  });
});
