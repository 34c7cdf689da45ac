import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { Rng } from "../../../simulator/random/rng";
import { lognormal, normal } from "../../../simulator/random/samplers";
import { benjaminiHochberg, holm } from "./adjust";
import { bayesian } from "./bayesian";
import { meanEstimate, type Estimate, type MeanStats } from "./estimates";
import { compare, type Comparison, type Method } from "./frequentist";

// Properties the statistics must have whatever the data: seeded simulations for coverage,
// exact symmetries for swaps and scaling, ranges and monotonicity for probabilities.

function accumulate(values: Iterable<number>): MeanStats {
  const stats = { n: 0, sum: 0, sumSquares: 0 };
  for (const v of values) {
    stats.n++;
    stats.sum += v;
    stats.sumSquares += v * v;
  }
  return stats;
}

function draw(rng: Rng, n: number, sample: (rng: Rng) => number): MeanStats {
  return accumulate(Array.from({ length: n }, () => sample(rng)));
}

function estimate(stats: MeanStats): Estimate {
  const result = meanEstimate(stats);
  if (!result.ok) throw new Error(result.reason);
  return result.estimate;
}

function ok(result: Comparison) {
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe("interval coverage over seeded simulations", () => {
  // Skewed member values (lognormal, σ = 1): the treatment multiplies them by 1.1, so the
  // true relative lift is exactly 10%.
  const runs = 600;
  const coverage = (method: Method) => {
    const rng = new Rng(20261206, method.length);
    let covered = 0;
    for (let run = 0; run < runs; run++) {
      const control = estimate(draw(rng, 400, (r) => lognormal(r, 2, 1)));
      const treatment = estimate(draw(rng, 400, (r) => 1.1 * lognormal(r, 2, 1)));
      const relative = ok(compare(control, treatment, { method })).relative!;
      if (relative.lower <= 0.1 && 0.1 <= relative.upper) covered++;
    }
    return covered / runs;
  };

  it("the Welch interval on relative lift covers the truth at about 95%", () => {
    // ±2.6 binomial standard errors at 600 runs (se ≈ 0.9 points).
    const rate = coverage("welch");
    expect(rate).toBeGreaterThan(0.927);
    expect(rate).toBeLessThan(0.973);
  });

  it("the sequential interval covers at least as often (it is wider)", () => {
    expect(coverage("sequential")).toBeGreaterThan(0.95);
  });
});

const statsArb = fc
  .record({
    n: fc.integer({ min: 2, max: 100_000 }),
    mean: fc.double({ min: 0.01, max: 1000, noNaN: true }),
    cv: fc.double({ min: 0.05, max: 20, noNaN: true }),
  })
  .map(({ n, mean, cv }): MeanStats => {
    const variance = (mean * cv) ** 2;
    return { n, sum: n * mean, sumSquares: (n - 1) * variance + n * mean * mean };
  });

describe("symmetries", () => {
  const methods: Method[] = ["welch", "z", "sequential"];

  it.each(methods)("swapping control and treatment flips the sign (%s)", (method) => {
    fc.assert(
      fc.property(statsArb, statsArb, (a, b) => {
        const forward = ok(compare(estimate(a), estimate(b), { method }));
        const backward = ok(compare(estimate(b), estimate(a), { method }));
        expect(backward.absolute.estimate).toBeCloseTo(-forward.absolute.estimate, 6);
        expect(backward.absolute.pValue).toBeCloseTo(forward.absolute.pValue, 9);
        expect(backward.absolute.lower).toBeCloseTo(-forward.absolute.upper, 6);
        expect(Math.sign(backward.relative!.estimate) + Math.sign(forward.relative!.estimate)).toBe(0);
      }),
    );
  });

  it.each(methods)("scaling the metric leaves relative lift and p-values unchanged (%s)", (method) => {
    fc.assert(
      fc.property(statsArb, statsArb, fc.double({ min: 0.001, max: 1000, noNaN: true }), (a, b, k) => {
        const scale = (s: MeanStats): MeanStats => ({
          n: s.n,
          sum: k * s.sum,
          sumSquares: k * k * s.sumSquares,
        });
        const plain = ok(compare(estimate(a), estimate(b), { method }));
        const scaled = ok(compare(estimate(scale(a)), estimate(scale(b)), { method }));
        expect(scaled.relative!.estimate).toBeCloseTo(plain.relative!.estimate, 6);
        expect(scaled.relative!.pValue).toBeCloseTo(plain.relative!.pValue, 6);
        expect(scaled.absolute.pValue).toBeCloseTo(plain.absolute.pValue, 6);
      }),
    );
  });

  it("chance to win of A over B and of B over A sum to 1 (absolute scale)", () => {
    fc.assert(
      fc.property(statsArb, statsArb, (a, b) => {
        const ab = bayesian(estimate(a), estimate(b), { scale: "absolute" });
        const ba = bayesian(estimate(b), estimate(a), { scale: "absolute" });
        if (!ab.ok || !ba.ok) throw new Error("unexpected");
        expect(ab.chanceToWin + ba.chanceToWin).toBeCloseTo(1, 12);
        // Loss of shipping B is the loss of keeping A when the roles swap.
        expect(ab.expectedLoss.ifShipped).toBeCloseTo(ba.expectedLoss.ifKeptControl, 9);
      }),
    );
  });
});

describe("ranges and monotonicity", () => {
  it("p-values, chances and losses stay in range under any prior and direction", () => {
    fc.assert(
      fc.property(statsArb, statsArb, fc.boolean(), fc.boolean(), (a, b, proper, higher) => {
        const c = ok(compare(estimate(a), estimate(b)));
        for (const lift of [c.absolute, c.relative!]) {
          expect(lift.pValue).toBeGreaterThanOrEqual(0);
          expect(lift.pValue).toBeLessThanOrEqual(1);
        }
        const prior = proper ? ({ kind: "normal", mean: 0, variance: 0.09 } as const) : undefined;
        const r = bayesian(estimate(a), estimate(b), { prior, higherIsBetter: higher });
        if (!r.ok) throw new Error(r.reason);
        expect(r.chanceToWin).toBeGreaterThanOrEqual(0);
        expect(r.chanceToWin).toBeLessThanOrEqual(1);
        expect(r.expectedLoss.ifShipped).toBeGreaterThanOrEqual(0);
        expect(r.expectedLoss.ifKeptControl).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("Holm and BH keep the order of the raw p-values, never go below them, and Holm ≥ BH", () => {
    const pValues = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(pValues, (p) => {
        const h = holm(p);
        const bh = benjaminiHochberg(p);
        for (let i = 0; i < p.length; i++) {
          expect(h[i]).toBeGreaterThanOrEqual(p[i]!);
          expect(bh[i]).toBeGreaterThanOrEqual(p[i]!);
          expect(h[i]).toBeGreaterThanOrEqual(bh[i]! - 1e-15);
          expect(h[i]).toBeLessThanOrEqual(1);
          for (let j = 0; j < p.length; j++) {
            if (p[i]! <= p[j]!) {
              expect(h[i]).toBeLessThanOrEqual(h[j]!);
              expect(bh[i]).toBeLessThanOrEqual(bh[j]!);
            }
          }
        }
      }),
    );
  });

  it("the sequential interval contains the fixed-horizon z interval at every sample size", () => {
    fc.assert(
      fc.property(statsArb, statsArb, (a, b) => {
        const z = ok(compare(estimate(a), estimate(b), { method: "z" })).absolute;
        const s = ok(compare(estimate(a), estimate(b), { method: "sequential" })).absolute;
        expect(s.lower).toBeLessThanOrEqual(z.lower);
        expect(s.upper).toBeGreaterThanOrEqual(z.upper);
        expect(s.pValue).toBeGreaterThanOrEqual(z.pValue);
      }),
    );
  });

  it("is deterministic under a seeded generator", () => {
    const once = () => estimate(draw(new Rng(7), 1000, (r) => normal(r, 5, 2)));
    expect(once()).toEqual(once());
  });
});
