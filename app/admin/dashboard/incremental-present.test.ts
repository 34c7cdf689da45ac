import { describe, expect, it } from "vitest";
import { moneyWithMargin } from "./incremental-present";

describe("the incremental-value figures", () => {
  it("shows an asymmetric interval by its wider side, in the shop's currency", () => {
    expect(moneyWithMargin({ estimate: 1000, lower: 800, upper: 1500 }, "JPY")).toBe("¥1,000 ± ¥500");
    expect(moneyWithMargin({ estimate: 123_450, lower: 100_000, upper: 130_000 }, "USD")).toBe(
      "$1,234.50 ± $234.50",
    );
  });
});
