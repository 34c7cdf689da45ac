import { describe, expect, it } from "vitest";
import { Rng } from "../random/rng";
import { reactToMessage, type Reader } from "./message-reaction";

// The demo's customers react to its measured broadcast (demo-campaign-test.server.ts) through
// this: an open at their own rate × the variant's, then extra orders at their purchase rate ×
// the lift for the lift's days. The variants share random numbers, so a stronger message is
// opened by a superset of readers and brings at least the same orders.

const reader: Reader = {
  alive: true,
  lambdaPerYear: 6,
  spendShape: 4,
  spendRate: 0.08,
  openRate: 0.3,
  clickGivenOpen: 0.2,
};
const plain = { openMultiplier: 1, clickMultiplier: 1, purchaseLift: 1, liftDays: 14 };
const strong = { openMultiplier: 1.5, clickMultiplier: 1, purchaseLift: 2, liftDays: 21 };

describe("a reader's reaction to one message", () => {
  it("brings, on average, P(open) × Σ over the lift's days of P(an extra purchase) orders", () => {
    const n = 40_000;
    let orders = 0;
    let opens = 0;
    for (let i = 0; i < n; i++) {
      const r = reactToMessage(reader, plain, Rng.forLabel(7, "reaction", i), 30);
      orders += r.orders.length;
      if (r.opened) opens++;
      expect(r.orders.every((o) => o.day < plain.liftDays && o.valueMinor > 0)).toBe(true);
    }
    const perDay = 1 - Math.exp(-(6 / 365) * 1);
    const expected = 0.3 * 14 * perDay;
    expect(opens / n).toBeCloseTo(0.3, 2);
    // Binomial-ish sum: its standard error is about sqrt(expected / n).
    expect(Math.abs(orders / n - expected)).toBeLessThan(4 * Math.sqrt(expected / n));
  });

  it("uses the same numbers for every variant: a stronger message's readers and orders include the plain one's", () => {
    for (let i = 0; i < 2_000; i++) {
      const a = reactToMessage(reader, plain, Rng.forLabel(7, "reaction", i), 30);
      const b = reactToMessage(reader, strong, Rng.forLabel(7, "reaction", i), 30);
      if (a.opened) expect(b.opened).toBe(true);
      const days = new Set(b.orders.map((o) => o.day));
      expect(a.orders.every((o) => days.has(o.day))).toBe(true);
    }
  });

  it("brings nothing from a reader who does not open, or who has stopped buying", () => {
    const gone = { ...reader, alive: false };
    for (let i = 0; i < 500; i++) {
      expect(reactToMessage({ ...reader, openRate: 0 }, strong, Rng.forLabel(7, "r", i), 30).orders).toEqual(
        [],
      );
      expect(reactToMessage(gone, strong, Rng.forLabel(7, "r", i), 30).orders).toEqual([]);
    }
  });
});
