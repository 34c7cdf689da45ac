import { describe, expect, it } from "vitest";
import { isStorableText, unstorablePaths } from "./storable-text";

describe("storable text", () => {
  it("refuses NUL and unpaired surrogates, and keeps paired ones and other control characters", () => {
    expect(isStorableText("\u000f\u0000\u0000")).toBe(false);
    expect(isStorableText("a\ud800")).toBe(false);
    expect(isStorableText("\udfffb")).toBe(false);
    expect(isStorableText("😀")).toBe(true);
    expect(isStorableText("tab\there\u000f")).toBe(true);
    // The global regex keeps no state between calls.
    expect(isStorableText("\u0000")).toBe(false);
    expect(isStorableText("\u0000")).toBe(false);
  });

  it("finds every unstorable value and key with its path", () => {
    expect(
      unstorablePaths({
        name: "ok",
        rewards: [{ name: "bad\u0000" }, { name: "fine" }],
        "key\ud800": 1,
        nested: { deep: ["x", "\udc00"] },
      }),
    ).toEqual([["rewards", 0, "name"], ["key\ud800"], ["nested", "deep", 1]]);
    expect(unstorablePaths({ a: 1, b: null, c: [true] })).toEqual([]);
  });
});
