import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { topPositive } from "./logistic";

describe("topPositive", () => {
  it("is the positives sorted stably by value, largest first, cut at k", () => {
    // Few distinct values, so ties (kept in index order) are common.
    const values = fc.array(fc.constantFrom(-1, 0, 0.5, 1, 2, Number.NaN), { maxLength: 30 });
    fc.assert(
      fc.property(values, fc.integer({ min: 0, max: 5 }), (v, k) => {
        const expected = v
          .map((value, index) => ({ value, index }))
          .filter((d) => d.value > 0)
          .sort((a, b) => b.value - a.value)
          .slice(0, k)
          .map((d) => d.index);
        expect(topPositive(v, k)).toEqual(expected);
      }),
    );
  });
});
