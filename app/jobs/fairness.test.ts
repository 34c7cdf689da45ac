import { describe, expect, it } from "vitest";
import { fairnessPriority, HEAVY_MIN_ROWS, ShopShares } from "./fairness";

describe("fairnessPriority", () => {
  it("leaves small and lone shops first, and sinks a heavy shop further the larger its share", () => {
    expect(fairnessPriority(HEAVY_MIN_ROWS - 1, 10 * HEAVY_MIN_ROWS)).toBe(0);
    // Alone: nobody to be fair to, so a one-shop install pays nothing for priorities.
    expect(fairnessPriority(10_000, 10_010)).toBe(0);
    expect(fairnessPriority(400, 10_000)).toBe(0); // 4%
    expect(fairnessPriority(500, 10_000)).toBe(1); // 5%
    expect(fairnessPriority(1_000, 10_000)).toBe(2); // 10%
    expect(fairnessPriority(2_000, 10_000)).toBe(3);
    expect(fairnessPriority(9_900, 10_000)).toBe(5);
  });
});

describe("ShopShares", () => {
  // bench:tenants' day: 198 shops at 0.5 deliveries/s each, one flash sale at 200/s, in
  // batches of a tenth of a second, as the intake enqueues them.
  it("deprioritizes the flash sale within a second and never a steady shop", () => {
    const shares = new ShopShares();
    const priorities = new Map<string, number[]>();
    const record = (shop: string, p: number) => priorities.set(shop, [...(priorities.get(shop) ?? []), p]);
    let quietRows = 0;
    for (let tick = 0; tick < 300; tick++) {
      const now = tick * 100;
      record("flash", shares.add("flash", 20, now));
      // 198 × 0.5/s = 9.9 rows a tick, spread round the shops.
      for (let i = 0; i < 10; i++) {
        const shop = `quiet-${quietRows++ % 198}`;
        record(shop, shares.add(shop, 1, now));
      }
    }
    const flash = priorities.get("flash")!;
    expect(flash.slice(10).every((p) => p >= 4)).toBe(true);
    for (const [shop, ps] of priorities) if (shop !== "flash") expect(ps.every((p) => p === 0)).toBe(true);
  });

  it("forgives a burst a few half-lives after it ends", () => {
    const shares = new ShopShares(5_000);
    for (let t = 0; t < 10_000; t += 100) {
      shares.add("burst", 50, t);
      shares.add("other", 5, t);
    }
    expect(shares.add("burst", 1, 10_000)).toBeGreaterThan(0);
    for (let t = 10_000; t < 40_000; t += 100) shares.add("other", 5, t);
    expect(shares.add("burst", 1, 40_000)).toBe(0);
  });
});
