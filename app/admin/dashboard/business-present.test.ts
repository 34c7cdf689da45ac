import { describe, expect, it } from "vitest";
import { changeText } from "./business-present";

describe("changeText", () => {
  it.each([
    [{ kind: "relative", value: 0.123 }, "good", { text: "+12.3%", tone: "success" }],
    [{ kind: "relative", value: -0.4 }, "good", { text: "−40%", tone: "critical" }],
    [{ kind: "relative", value: 0.2 }, "bad", { text: "+20%", tone: "critical" }],
    [{ kind: "points", value: -0.031 }, "bad", { text: "−3.1 pts", tone: "success" }],
    [{ kind: "relative", value: 0.5 }, "neutral", { text: "+50%", tone: "info" }],
    [{ kind: "points", value: 0 }, "good", { text: "No change", tone: "info" }],
  ] as const)("%o (%s when up) → %o", (change, higher, expected) => {
    expect(changeText(change, higher)).toEqual(expected);
  });

  it("shows nothing without a previous figure", () => {
    expect(changeText({ kind: "none" }, "good")).toBeNull();
  });
});
