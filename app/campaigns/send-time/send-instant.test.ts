import { describe, expect, it } from "vitest";
import { nextLocalHour, sendInstant, type SendInstantInput } from "./send-instant";

const base: SendInstantInput = {
  choice: { mode: "campaignDefault" },
  campaignDefault: { mode: "immediate" },
  // 10:20 in Paris (UTC+1 in December).
  queuedAt: new Date("2026-12-07T09:20:00Z"),
  timeZone: "Europe/Paris",
  memberHour: 19,
  quiet: null,
};
const iso = (input: Partial<SendInstantInput>) => sendInstant({ ...base, ...input }).toISOString();

describe("sendInstant", () => {
  it.each([
    ["campaign default, immediate", {}, "2026-12-07T09:20:00.000Z"],
    ["campaign default, best hour", { campaignDefault: { mode: "bestHour" } }, "2026-12-07T18:00:00.000Z"],
    [
      "member's best hour over an immediate campaign",
      { choice: { mode: "bestHour" } },
      "2026-12-07T18:00:00.000Z",
    ],
    ["fixed hour later today", { choice: { mode: "fixedHour", hour: 12 } }, "2026-12-07T11:00:00.000Z"],
    [
      "fixed hour already passed: tomorrow",
      { choice: { mode: "fixedHour", hour: 8 } },
      "2026-12-08T07:00:00.000Z",
    ],
    ["inside the chosen hour: now", { choice: { mode: "fixedHour", hour: 10 } }, "2026-12-07T09:20:00.000Z"],
    [
      "best hour unknown: now",
      { choice: { mode: "bestHour" }, memberHour: null },
      "2026-12-07T09:20:00.000Z",
    ],
    [
      "quiet hours win over the member's hour",
      { choice: { mode: "bestHour" }, memberHour: 23, quiet: { startHour: 21, endHour: 8 } },
      "2026-12-08T07:00:00.000Z",
    ],
    [
      "New York's 19 h is 00:00 UTC",
      { choice: { mode: "bestHour" }, timeZone: "America/New_York" },
      "2026-12-08T00:00:00.000Z",
    ],
  ] as [string, Partial<SendInstantInput>, string][])("%s", (_, input, expected) => {
    expect(iso(input)).toBe(expected);
  });

  it("is stable: asked again at the instant it gave, it gives the same instant", () => {
    const first = sendInstant({ ...base, choice: { mode: "bestHour" } });
    expect(sendInstant({ ...base, choice: { mode: "bestHour" } })).toEqual(first);
    expect(nextLocalHour(first, "Europe/Paris", 19)).toEqual(first);
  });
});
