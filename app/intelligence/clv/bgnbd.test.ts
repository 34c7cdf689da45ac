import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { conditionalExpectedPurchases, expectedPurchases, probabilityAlive } from "./bgnbd";
import { bgNbdLikelihood, type BgNbdParams } from "./bgnbd-likelihood";
import { groupSummaries, type CustomerSummary } from "./customers";
import { gammaGammaLikelihood, spendData } from "./gamma-gamma";

const params: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const sample: CustomerSummary[] = [
  { x: 0, tx: 0, T: 38.86, spend: 0 },
  { x: 2, tx: 30.43, T: 38.86, spend: 22.35 },
  { x: 1, tx: 1.71, T: 38.86, spend: 11.77 },
  { x: 7, tx: 35, T: 36, spend: 41.2 },
  { x: 2, tx: 30.43, T: 38.86, spend: 19.5 },
  { x: 25, tx: 20.5, T: 30, spend: 18 },
];

/** Central finite difference of f along coordinate i. */
function numericGradient(f: (v: number[]) => number, v: number[]): number[] {
  return v.map((_, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(v[i]!));
    const up = [...v];
    const down = [...v];
    up[i]! += h;
    down[i]! -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

describe("likelihood gradients", () => {
  it("BG/NBD's analytic gradient matches finite differences", () => {
    const groups = groupSummaries(sample);
    const ll = (v: number[]) =>
      bgNbdLikelihood({ r: v[0]!, alpha: v[1]!, a: v[2]!, b: v[3]! }, groups).logLikelihood;
    const v = [params.r, params.alpha, params.a, params.b];
    const numeric = numericGradient(ll, v);
    bgNbdLikelihood(params, groups).gradient.forEach((g, i) => expect(g).toBeCloseTo(numeric[i]!, 5));
  });

  it("Gamma-Gamma's analytic gradient matches finite differences", () => {
    const data = spendData(sample);
    const ll = (v: number[]) =>
      gammaGammaLikelihood({ p: v[0]!, q: v[1]!, gamma: v[2]! }, data).logLikelihood;
    const v = [6.25, 3.74, 15.44];
    const numeric = numericGradient(ll, v);
    gammaGammaLikelihood({ p: 6.25, q: 3.74, gamma: 15.44 }, data).gradient.forEach((g, i) =>
      expect(g).toBeCloseTo(numeric[i]!, 5),
    );
  });

  it("grouping identical rows changes nothing but the work", () => {
    const groups = groupSummaries(sample);
    expect(groups.count.length).toBe(5);
    const one = sample.reduce((s, c) => s + bgNbdLikelihood(params, groupSummaries([c])).logLikelihood, 0);
    expect(bgNbdLikelihood(params, groups).logLikelihood).toBeCloseTo(one, 10);
  });
});

const customer = fc
  .record({
    x: fc.integer({ min: 0, max: 60 }),
    T: fc.double({ min: 0.5, max: 500, noNaN: true }),
    share: fc.double({ min: 0.01, max: 1, noNaN: true }),
  })
  .map(({ x, T, share }) => ({ x, T, tx: x === 0 ? 0 : T * share }));
const model = fc.record({
  r: fc.double({ min: 0.05, max: 5, noNaN: true }),
  alpha: fc.double({ min: 0.5, max: 300, noNaN: true }),
  a: fc.double({ min: 0.1, max: 5, noNaN: true }),
  b: fc.double({ min: 0.2, max: 20, noNaN: true }),
});

describe("invariants", () => {
  it("P(alive) is in (0, 1], 1 without repeat purchases, and falls the longer since the last", () => {
    fc.assert(
      fc.property(model, customer, (p, c) => {
        const alive = probabilityAlive(p, c);
        expect(alive).toBeGreaterThanOrEqual(0);
        expect(alive).toBeLessThanOrEqual(1);
        if (c.x === 0) expect(alive).toBe(1);
        else expect(probabilityAlive(p, { ...c, T: c.T + 10 })).toBeLessThanOrEqual(alive);
      }),
    );
  });

  it("expected purchases are finite, ≥ 0 and grow with the horizon", () => {
    fc.assert(
      fc.property(model, customer, fc.double({ min: 0.1, max: 400, noNaN: true }), (p, c, t) => {
        const near = conditionalExpectedPurchases(p, t, c);
        const far = conditionalExpectedPurchases(p, 2 * t, c);
        expect(Number.isFinite(near) && near >= 0).toBe(true);
        expect(far).toBeGreaterThanOrEqual(near * (1 - 1e-9));
        expect(expectedPurchases(p, 2 * t)).toBeGreaterThanOrEqual(expectedPurchases(p, t) * (1 - 1e-9));
      }),
    );
  });

  it("a new customer's conditional expectation is the unconditional one", () => {
    const fresh = { x: 0, tx: 0, T: 0 };
    for (const t of [1, 10, 52])
      expect(conditionalExpectedPurchases(params, t, fresh)).toBeCloseTo(expectedPurchases(params, t), 10);
  });

  it("is continuous through a = 1, where the closed forms are 0/0", () => {
    const c = { x: 3, tx: 20, T: 30 };
    const at = (a: number) => conditionalExpectedPurchases({ ...params, a }, 26, c);
    expect(Number.isFinite(at(1))).toBe(true);
    expect(at(1)).toBeCloseTo((at(1 - 1e-3) + at(1 + 1e-3)) / 2, 6);
    expect(Number.isFinite(expectedPurchases({ ...params, a: 1 }, 26))).toBe(true);
  });
});
