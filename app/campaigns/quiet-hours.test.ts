import { describe, expect, it } from "vitest";
import { quietHoursEnd } from "./quiet-hours";

describe("quietHoursEnd", () => {
  const night = { startHour: 21, endHour: 8 };
  it.each([
    // Paris is UTC+1 in December: 22:30 local waits until 08:00 local the next day.
    ["2026-12-07T21:30:00Z", "Europe/Paris", night, "2026-12-08T07:00:00.000Z"],
    ["2026-12-07T20:00:00Z", "Europe/Paris", night, "2026-12-08T07:00:00.000Z"],
    ["2026-12-08T06:59:30Z", "Europe/Paris", night, "2026-12-08T07:00:00.000Z"],
    ["2026-12-08T07:00:00Z", "Europe/Paris", night, null],
    ["2026-12-07T19:59:59Z", "Europe/Paris", night, null],
    ["2026-12-07T12:00:00Z", "Europe/Paris", night, null],
    // New York is UTC−5 in December; a window that does not wrap midnight.
    ["2026-12-07T18:15:00Z", "America/New_York", { startHour: 13, endHour: 14 }, "2026-12-07T19:00:00.000Z"],
    ["2026-12-07T19:00:00Z", "America/New_York", { startHour: 13, endHour: 14 }, null],
    // In July Paris is UTC+2.
    ["2026-07-01T20:00:00Z", "Europe/Paris", night, "2026-07-02T06:00:00.000Z"],
  ])("at %s in %s with %o ends at %s", (now, zone, quiet, expected) => {
    expect(quietHoursEnd(new Date(now), zone, quiet)?.toISOString() ?? null).toBe(expected);
  });

  it("is never quiet without a window or with an empty one", () => {
    expect(quietHoursEnd(new Date("2026-12-07T22:00:00Z"), "UTC", null)).toBeNull();
    expect(quietHoursEnd(new Date("2026-12-07T22:00:00Z"), "UTC", { startHour: 5, endHour: 5 })).toBeNull();
  });
});
