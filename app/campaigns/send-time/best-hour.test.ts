import { describe, expect, it } from "vitest";
import { bestHour, emptyCounts, HOURS, shopPrior, smoothCircular, type HourCounts } from "./best-hour";

const at = (hours: number[], kind: keyof HourCounts = "order"): HourCounts => {
  const c = emptyCounts();
  for (const h of hours) c[kind][h]! += 1;
  return c;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

// A shop whose customers order through the day, most in the evening (around 19 h).
const day = Array.from({ length: 15 }, (_, i) => Array<number>(4).fill(8 + i)).flat();
const evening = at([
  ...day,
  ...Array<number>(8).fill(19),
  ...Array<number>(4).fill(18),
  ...Array<number>(3).fill(20),
  3,
]);
const alpha = shopPrior(evening);

describe("circular smoothing", () => {
  it("spreads midnight over 23 h and 1 h, keeping the total", () => {
    const c = new Array<number>(HOURS).fill(0);
    c[0] = 4;
    const s = smoothCircular(c);
    expect(s[23]).toBe(1);
    expect(s[0]).toBe(2);
    expect(s[1]).toBe(1);
    expect(sum(s)).toBe(4);
  });

  it("counts 23 h and 0 h as neighbours: orders either side of midnight agree on it", () => {
    const result = bestHour(at([23, 23, 0, 0, 0, 1, 23, 0]), alpha);
    expect(result.hour).toBe(0);
    expect(result.posterior[23]).toBeGreaterThan(result.posterior[22]!);
  });
});

describe("bestHour", () => {
  it("gives a member without history the shop's best hour, as the shop default", () => {
    const result = bestHour(emptyCounts(), alpha);
    expect(result).toMatchObject({ hour: 19, source: "shop", reason: "shop default" });
    expect(sum(result.posterior)).toBeCloseTo(1, 12);
  });

  it("keeps the shop default for a member with one order at an unusual hour", () => {
    expect(bestHour(at([3]), alpha)).toMatchObject({
      hour: 19,
      source: "shop",
      reason: "shop default (1 order: too few to move it)",
    });
  });

  it("follows a member's own hour once a few orders agree on it", () => {
    expect(bestHour(at([8, 8, 9, 8]), alpha)).toMatchObject({
      hour: 8,
      source: "member",
      reason: "from 4 orders",
    });
  });

  it("takes opens and clicks when they exist, opens at half the weight of orders", () => {
    const c = at([13, 13, 13, 13], "open");
    c.click[13] = 1;
    expect(bestHour(c, alpha)).toMatchObject({ hour: 13, reason: "from 4 opens and 1 click" });
    // Two opens at 7 h weigh as one order: not enough to move the pick, two orders are.
    expect(bestHour(at([7, 7], "open"), alpha).hour).toBe(19);
    expect(bestHour(at([7, 7, 7]), alpha).hour).toBe(7);
  });

  it("gives a shop with no activity a uniform prior (the pick falls back to the earliest hour)", () => {
    const flat = shopPrior(emptyCounts());
    flat.forEach((a) => expect(a).toBeCloseTo(flat[0]!, 12));
    expect(bestHour(emptyCounts(), flat).hour).toBe(0);
  });

  it("moves towards the member as evidence grows (monotone)", () => {
    let last = 0;
    for (let n = 0; n <= 10; n++) {
      const p = bestHour(at(Array<number>(n).fill(6)), alpha).posterior[6]!;
      expect(p).toBeGreaterThanOrEqual(last);
      last = p;
    }
  });
});
