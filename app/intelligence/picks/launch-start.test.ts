import { describe, expect, it } from "vitest";
import { launchStart } from "./launch-start";

describe("launchStart", () => {
  it("starts at the forecast week, or the next UTC midnight once that has passed", () => {
    const from = new Date("2026-12-07T00:00:00Z");
    expect(launchStart(from, new Date("2026-12-06T23:10:00Z"))).toEqual(from);
    expect(launchStart(from, new Date("2026-12-07T01:20:00Z"))).toEqual(new Date("2026-12-08T00:00:00Z"));
    expect(launchStart(from, new Date("2026-12-08T00:00:00Z"))).toEqual(new Date("2026-12-08T00:00:00Z"));
  });
});
