import { describe, expect, it } from "vitest";
import { presentFreshness } from "./freshness";

describe("presentFreshness", () => {
  it("dates the figures in the shop's zone and says how often they are recomputed", () => {
    const f = presentFreshness(
      { asOf: new Date("2026-03-10T14:05:00Z"), stale: false },
      5,
      "America/New_York",
    );
    expect(f).toEqual({
      asOf: "Mar 10, 2026, 10:05 AM EDT",
      stale: false,
      text: "Figures as of Mar 10, 2026, 10:05 AM EDT, recomputed every 5 minutes.",
    });
  });

  it("says a refresh is queued when the figures are older than the schedule", () => {
    const f = presentFreshness({ asOf: new Date("2026-03-10T14:05:00Z"), stale: true }, 5, null);
    expect(f.text).toBe(
      "Figures as of Mar 10, 2026, 2:05 PM UTC: older than 5 minutes, a refresh is queued.",
    );
  });
});
