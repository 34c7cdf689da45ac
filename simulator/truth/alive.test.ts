import { describe, expect, it } from "vitest";
import { Rng } from "../random/rng";
import { exponential } from "../random/samplers";
import { expectedPurchasesIfAlive, probabilityAlive } from "./alive";

// Monte Carlo checks of the closed forms: simulate the BG/NBD individual process directly.
describe("BG/NBD closed forms for a known customer", () => {
  it("expected purchases over a horizon match simulation (λ = 3/yr, p = 0.2, 1.5 years)", () => {
    const rng = new Rng(21);
    const [lambda, p, horizon, n] = [3, 0.2, 1.5, 100_000];
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let t = exponential(rng, lambda); t < horizon; t += exponential(rng, lambda)) {
        total++;
        if (rng.chance(p)) break;
      }
    }
    // SE ≈ 0.006 on a mean of ≈ 2.8.
    expect(total / n).toBeCloseTo(expectedPurchasesIfAlive(lambda, p, horizon), 1);
    expect(Math.abs(total / n - expectedPurchasesIfAlive(lambda, p, horizon))).toBeLessThan(0.03);
    expect(expectedPurchasesIfAlive(lambda, 0, horizon)).toBe(lambda * horizon);
  });

  it("P(alive) matches the alive share among simulated customers with the same history", () => {
    // Customers observed for 1 year; condition on x = 2 repeat purchases with the last in [0.4, 0.5).
    const rng = new Rng(5);
    const [lambda, p] = [4, 0.3];
    let matched = 0;
    let alive = 0;
    let predicted = 0;
    for (let i = 0; i < 400_000; i++) {
      let x = 0;
      let last = 0;
      let dead = false;
      for (let t = exponential(rng, lambda); t < 1; t += exponential(rng, lambda)) {
        x++;
        last = t;
        if (rng.chance(p)) {
          dead = true;
          break;
        }
      }
      if (x !== 2 || last < 0.4 || last >= 0.5) continue;
      matched++;
      alive += dead ? 0 : 1;
      predicted += probabilityAlive(lambda, p, x, 1 - last);
    }
    expect(matched).toBeGreaterThan(5000);
    expect(Math.abs(alive / matched - predicted / matched)).toBeLessThan(0.02);
    expect(probabilityAlive(lambda, p, 0, 5)).toBe(1);
  });
});
