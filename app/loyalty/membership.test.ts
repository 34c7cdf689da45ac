import { describe, expect, it } from "vitest";
import { birthdayBonusDue, birthdayIn, signupBonus } from "./bonuses";
import { program } from "../../tests/support/loyalty-fixtures";
import { joinDate, memberStatusFor, membershipDecision } from "./membership";
import { membershipSchema } from "./program";

const customer = { tags: [], isStaff: false, isB2B: false, optedIn: false };

describe("membershipDecision", () => {
  const auto = membershipSchema.parse({ excludedCustomerTags: ["Wholesale"] });
  const optIn = membershipSchema.parse({ enrollment: "optIn", excludeStaff: false, excludeB2B: false });

  it.each([
    ["enrolls everyone automatically", customer, auto, { eligible: true }],
    ["keeps staff out", { ...customer, isStaff: true }, auto, { eligible: false, reason: "staff" }],
    ["keeps B2B buyers out", { ...customer, isB2B: true }, auto, { eligible: false, reason: "b2b" }],
    [
      "keeps excluded tags out, whatever their case",
      { ...customer, tags: ["vip", "wholesale "] },
      auto,
      { eligible: false, reason: "excludedTag", tag: "wholesale " },
    ],
    ["waits for opt-in", customer, optIn, { eligible: false, reason: "notOptedIn" }],
    ["enrolls who opted in", { ...customer, optedIn: true }, optIn, { eligible: true }],
    [
      "lets staff in when the merchant allows it",
      { ...customer, isStaff: true, optedIn: true },
      optIn,
      { eligible: true },
    ],
  ])("%s", (_, c, config, expected) => {
    expect(membershipDecision(c, config)).toEqual(expected);
  });
});

describe("joinDate", () => {
  const now = new Date("2026-12-06T12:00:00Z");
  const d = (iso: string) => new Date(iso);
  it.each([
    [
      "the first order when it came before the account",
      d("2025-01-01T00:00:00Z"),
      d("2024-06-01T00:00:00Z"),
      "2024-06-01T00:00:00.000Z",
    ],
    [
      "the account when it came before the first order",
      d("2024-02-01T00:00:00Z"),
      d("2025-03-01T00:00:00Z"),
      "2024-02-01T00:00:00.000Z",
    ],
    ["the account when there is no order", d("2025-05-05T00:00:00Z"), null, "2025-05-05T00:00:00.000Z"],
    ["now when neither is known", null, null, "2026-12-06T12:00:00.000Z"],
    ["now, never a future date", d("2027-01-01T00:00:00Z"), null, "2026-12-06T12:00:00.000Z"],
    ["now when a date is invalid", new Date(Number.NaN), null, "2026-12-06T12:00:00.000Z"],
  ])("is %s", (_, account, firstOrder, expected) => {
    expect(joinDate(account, firstOrder, now).toISOString()).toBe(expected);
  });
});

describe("bonuses", () => {
  const p = program({ earning: { bonuses: { birthday: 200, signup: 50 } } });
  const birthday = { month: 3, day: 10 };
  const longAgo = new Date("2020-01-01T00:00:00Z");

  it.each([
    ["before the birthday", "2025-03-09T23:00:00Z", { due: false, reason: "notYet" }],
    ["on the birthday", "2025-03-10T00:00:00Z", { due: true, points: 200, year: 2025 }],
    ["a missed run within the grace", "2025-04-08T00:00:00Z", { due: true, points: 200, year: 2025 }],
    ["after the grace", "2025-04-09T00:00:00Z", { due: false, reason: "windowPassed" }],
  ])("birthday bonus %s", (_, now, expected) => {
    expect(birthdayBonusDue(birthday, longAgo, p, new Date(now))).toEqual(expected);
  });

  it("pays a late-December birthday in early January against last year", () => {
    expect(birthdayBonusDue({ month: 12, day: 28 }, longAgo, p, new Date("2026-01-05T00:00:00Z"))).toEqual({
      due: true,
      points: 200,
      year: 2025,
    });
  });

  it("does not pay a birthday entered just before the date", () => {
    expect(
      birthdayBonusDue(birthday, new Date("2025-03-01T00:00:00Z"), p, new Date("2025-03-10T00:00:00Z")),
    ).toEqual({ due: false, reason: "setTooRecently" });
  });

  it("handles 29 February and missing data", () => {
    expect(birthdayIn(2025, { month: 2, day: 29 }).toISOString()).toBe("2025-02-28T00:00:00.000Z");
    expect(birthdayIn(2024, { month: 2, day: 29 }).toISOString()).toBe("2024-02-29T00:00:00.000Z");
    expect(birthdayBonusDue(null, null, p, new Date())).toEqual({ due: false, reason: "noBirthday" });
    expect(birthdayBonusDue({ month: 13, day: 1 }, null, p, new Date())).toEqual({
      due: false,
      reason: "noBirthday",
    });
    expect(birthdayBonusDue(birthday, null, program(), new Date())).toEqual({
      due: false,
      reason: "noBonus",
    });
  });

  it("gives the signup bonus only when configured", () => {
    expect(signupBonus(p)).toBe(50);
    expect(signupBonus(program())).toBeNull();
  });
});

describe("memberStatusFor", () => {
  it("stores eligible as active, not opted in as not enrolled, and names the excluding tag", () => {
    expect(memberStatusFor({ eligible: true })).toEqual({ status: "active", reason: null });
    expect(memberStatusFor({ eligible: false, reason: "notOptedIn" })).toEqual({
      status: "notEnrolled",
      reason: null,
    });
    expect(memberStatusFor({ eligible: false, reason: "staff" })).toEqual({
      status: "excluded",
      reason: "staff",
    });
    expect(memberStatusFor({ eligible: false, reason: "excludedTag", tag: "Wholesale" })).toEqual({
      status: "excluded",
      reason: "excludedTag:Wholesale",
    });
  });
});
