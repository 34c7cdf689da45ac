import { describe, expect, it } from "vitest";
import { previewEarningText } from "~/loyalty/earning-preview";
import { programFieldErrors, programSchema } from "~/loyalty/program";
import { formErrors, fromDraft, parseMoney, parseNumber, toDraft } from "./form";

const program = programSchema.parse({
  currency: "USD",
  earning: {
    pointsPerCurrencyUnit: 2,
    bonuses: { signup: 50 },
    multipliers: [{ target: "tag", value: "sale", multiplier: 0.5 }],
    campaigns: [
      {
        id: "bf",
        name: "Black Friday",
        kind: "multiplier",
        multiplier: 3,
        startsAt: "2026-11-27T00:00:00Z",
        endsAt: "2026-11-30T00:00:00Z",
      },
      {
        id: "picks",
        name: "Weekly picks",
        kind: "multiplier",
        multiplier: 2,
        startsAt: "2026-12-07T00:00:00Z",
        endsAt: "2026-12-14T00:00:00Z",
        productIds: ["8100000000001", "8100000000002"],
      },
    ],
  },
  expiry: { policy: "inactivity", days: 365, noticeDays: 30 },
  tiers: {
    basis: "spend",
    levels: [
      { id: "silver", name: "Silver", threshold: 0 },
      { id: "gold", name: "Gold", threshold: 50_000, benefits: { earnMultiplier: 1.5, freeShipping: true } },
    ],
  },
  rewards: [
    {
      id: "five",
      name: "$5 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
      pointsCost: 500,
      minimumSubtotal: { amountMinor: 2500, currency: "USD" },
      perMemberLimit: 3,
    },
    { id: "ship", name: "Free shipping", value: { kind: "freeShipping" }, pointsCost: 300 },
  ],
  membership: { excludedCustomerTags: ["wholesale", "staff"] },
});

describe("program form", () => {
  it("round-trips a program through the draft unchanged", () => {
    expect(programSchema.parse(fromDraft(toDraft(program)))).toEqual(program);
  });

  it("shows money in major units and stores minor units", () => {
    const draft = toDraft(program);
    expect(draft.rewards[0]).toMatchObject({ amount: "5.00", minimumSubtotal: "25.00" });
    expect(draft.tiers.levels[1]!.threshold).toBe("500.00");
    draft.rewards[0]!.amount = "7.5";
    draft.tiers.levels[1]!.threshold = "1,000";
    const saved = programSchema.parse(fromDraft(draft));
    expect(saved.rewards[0]!.value).toEqual({
      kind: "fixedAmount",
      amount: { amountMinor: 750, currency: "USD" },
    });
    expect(saved.tiers.levels[1]!.threshold).toBe(100_000);
  });

  it.each([
    ["12", 12],
    [" 1,250.5 ", 1250.5],
    ["", ""],
    ["abc", "abc"],
  ])("parses %j as %j", (input, expected) => {
    expect(parseNumber(input)).toBe(expected);
  });

  it("converts money by the currency's exponent", () => {
    expect(parseMoney("80", "USD")).toBe(8000);
    expect(parseMoney("80", "JPY")).toBe(80);
    expect(parseMoney("1.234", "KWD")).toBe(1234);
  });

  it("reports bad input on the field that holds it, never as a silent default", () => {
    const draft = toDraft(program);
    draft.earning.pointsPerCurrencyUnit = "";
    draft.rewards[0]!.amount = "0";
    draft.tiers.levels[1]!.threshold = "0";
    draft.earning.signupBonus = "1.5";
    const result = programSchema.safeParse(fromDraft(draft));
    expect(result.success).toBe(false);
    const errors = formErrors(programFieldErrors(result.error!));
    expect(errors).toMatchObject({
      "earning.pointsPerCurrencyUnit": "Enter a number.",
      "rewards.0.amount": "The amount off must be above zero.",
      "tiers.levels.1.threshold": expect.stringContaining("Must be higher than Silver"),
      "earning.signupBonus": "Points are whole numbers.",
    });
  });

  it("feeds the live preview from the same draft", () => {
    const draft = toDraft(program);
    draft.earning.pointsPerCurrencyUnit = "3";
    const edited = programSchema.parse(fromDraft(draft));
    expect(previewEarningText(8000, edited)).toBe("An order of $80.00 earns 240 points.");
    expect(previewEarningText(8000, edited, "en", "gold")).toBe(
      "An order of $80.00 earns 360 points for Gold members.",
    );
  });
});
