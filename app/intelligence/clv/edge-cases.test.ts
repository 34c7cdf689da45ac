import { describe, expect, it } from "vitest";

import { fitBgNbd } from "./bgnbd";
import { fitGammaGamma } from "./gamma-gamma";
import { fitLifetimeValue, memberValue } from "./lifetime-value";
import { cdnowCustomers } from "./cdnow-fixture";

// Thin or odd histories get a result with a reason, never NaN or a made-up model.

const oneTimers = Array.from({ length: 500 }, (_, i) => ({ x: 0, tx: 0, T: 10 + (i % 30) }));

describe("not enough data", () => {
  it.each([
    ["no customers", []],
    ["a handful of customers", cdnowCustomers.slice(0, 20)],
    ["no repeat buyers", oneTimers],
  ])("%s: says what is needed", (_, customers) => {
    const fit = fitBgNbd(customers);
    expect(fit.ok).toBe(false);
    if (fit.ok) return;
    expect(fit.problem).toBe("not-enough-data");
    expect(fit.reason).toMatch(/needs at least 50 customers .* and 10 who came back/);
    expect(fit.reason).toContain(`there are ${customers.length} and`);
  });

  it("Gamma-Gamma without repeat buyers with a spend", () => {
    const fit = fitGammaGamma([...oneTimers, { x: 2, tx: 3, T: 20, spend: 0 }]);
    expect(fit).toMatchObject({ ok: false, problem: "not-enough-data" });
    if (!fit.ok) expect(fit.reason).toContain("there are 0 (1 more without one)");
  });

  it("repeat buyers without a usable spend are counted, not silently dropped", () => {
    const bad = [
      { x: 1, tx: 2, T: 30, spend: 0 },
      { x: 3, tx: 9, T: 30, spend: Number.NaN },
      { x: 2, tx: 5, T: 30 },
    ];
    const fit = fitGammaGamma([...cdnowCustomers, ...bad]);
    expect(fit).toMatchObject({ ok: true, customers: 946, skipped: 3 });
  });

  it("a week of history, when the caller asks for four", () => {
    const week = Array.from({ length: 300 }, (_, i) => ({ x: i % 3, tx: i % 3 ? 1 + (i % 5) : 0, T: 7 }));
    const fit = fitBgNbd(week, { minHistory: 28, unit: "days" });
    expect(fit).toMatchObject({ ok: false, problem: "not-enough-data" });
    if (!fit.ok)
      expect(fit.reason).toContain(
        "orders over at least 28 days (the oldest customer's first order is 7 days ago)",
      );
  });

  it("thresholds are options (a later step may tune them per shop)", () => {
    expect(fitBgNbd(cdnowCustomers.slice(0, 300), { minCustomers: 500 }).ok).toBe(false);
    expect(fitBgNbd(cdnowCustomers.slice(0, 300)).ok).toBe(true);
  });
});

describe("fits that do not converge are reported, with where they stopped", () => {
  it("nobody ever lapses: the dropout parameters run off, and the fit says so", () => {
    const loyal = Array.from({ length: 200 }, (_, i) => ({
      x: 10 + (i % 5),
      tx: 50 + (i % 7),
      T: 50 + (i % 7),
    }));
    const fit = fitBgNbd(loyal);
    expect(fit).toMatchObject({ ok: false, problem: "not-converged" });
    if (!fit.ok) {
      expect(fit.reason).toMatch(/did not converge .*the previous model stays in use/);
      expect(fit.lastParams).toBeDefined();
    }
  });

  it("an iteration limit too small to converge", () => {
    const fit = fitBgNbd(cdnowCustomers, { maxIterations: 3 });
    expect(fit).toMatchObject({ ok: false, problem: "not-converged" });
    if (!fit.ok) expect(fit.reason).toContain("iteration limit after 3 iterations");
  });

  it("every repeat buyer spends the same: Gamma-Gamma cannot separate p from ν", () => {
    const same = Array.from({ length: 200 }, () => ({ x: 1, tx: 5, T: 50, spend: 20 }));
    expect(fitGammaGamma(same)).toMatchObject({ ok: false, problem: "not-converged" });
  });
});

describe("invalid input is named, row and all", () => {
  it.each([
    [{ x: -1, tx: 0, T: 5 }, /repeat purchases must be a whole number/],
    [{ x: 1.5, tx: 2, T: 5 }, /repeat purchases must be a whole number/],
    [{ x: 2, tx: 6, T: 5 }, /last purchase must lie between/],
    [{ x: 0, tx: 2, T: 5 }, /no repeat purchase has t_x = 0/],
    [{ x: 1, tx: Number.NaN, T: 5 }, /last purchase must lie between/],
    [{ x: 1, tx: 1, T: Number.POSITIVE_INFINITY }, /time since first purchase/],
  ])("%o", (bad, message) => {
    const fit = fitLifetimeValue([...cdnowCustomers.slice(0, 3), bad]);
    expect(fit).toMatchObject({ ok: false, problem: "invalid-input" });
    if (!fit.ok) {
      expect(fit.reason).toMatch(message);
      expect(fit.reason).toMatch(/^customer 3:/);
    }
  });
});

describe("member values stay finite", () => {
  it("without a spend model, CLV is null but P(alive) and purchases are numbers", () => {
    const value = memberValue(
      { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      null,
      { x: 2, tx: 30, T: 38 },
      { unitsPerMonth: 4.345 },
    );
    expect(value.lifetimeValue).toBeNull();
    expect(value.expectedSpend).toBeNull();
    expect(value.pAlive).toBeGreaterThan(0);
    expect(value.expectedPurchases).toBeGreaterThan(0);
  });

  it("q ≤ 1 means an infinite mean spend: null, not Infinity", () => {
    const value = memberValue(
      { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
      { p: 6, q: 0.9, gamma: 15 },
      { x: 2, tx: 30, T: 38, spend: 20 },
      { unitsPerMonth: 4.345 },
    );
    expect(value.lifetimeValue).toBeNull();
  });

  it("extreme but valid customers give finite values", () => {
    const purchases = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const spend = { p: 6.25, q: 3.74, gamma: 15.44 };
    for (const c of [
      { x: 0, tx: 0, T: 0 },
      { x: 900, tx: 77, T: 78, spend: 1e5 },
      { x: 300, tx: 1, T: 5000, spend: 0.01 },
    ]) {
      const value = memberValue(purchases, spend, c, { unitsPerMonth: 4.345, months: 60 });
      for (const v of Object.values(value)) expect(Number.isFinite(v)).toBe(true);
    }
  });
});
