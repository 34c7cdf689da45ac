import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate, formatDecimal, toMinorUnits } from "./money";

describe("money", () => {
  it.each([
    ["12.50", "USD", 1250, "12.5"],
    ["10", "USD", 1000, "10.0"],
    ["0.07", "EUR", 7, "0.07"],
    ["1500", "JPY", 1500, "1500.0"],
    ["-3.2", "USD", -320, "-3.2"],
  ])("%s %s is %i minor units, printed %s as Shopify does", (text, currency, minor, printed) => {
    expect(toMinorUnits(text, currency)).toBe(minor);
    expect(formatDecimal(minor, currency)).toBe(printed);
  });

  it("refuses amounts finer than the currency allows", () => {
    expect(() => toMinorUnits("1.005", "USD")).toThrow(/decimals/);
    expect(toMinorUnits("1.500", "USD")).toBe(150);
  });

  it("allocates the whole amount in proportion, never losing a cent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const shares = allocate(total, weights);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          const sum = weights.reduce((a, b) => a + b, 0);
          shares.forEach((share, i) => expect(Math.abs(share - (total * weights[i]!) / sum)).toBeLessThan(1));
        },
      ),
    );
  });
});
