import { describe, expect, it } from "vitest";
import { experimentInputSchema } from "~/experiments/definition";
import { programSchema } from "~/loyalty/program";
import {
  describeBandit,
  initialDraft,
  liveFields,
  overrideOf,
  prefilledDraft,
  slugify,
  stepOfError,
  toInput,
} from "./form";

// The create flow's fields become the domain's input: only what differs from the live
// program goes into an override, as whole arrays where the program holds arrays (the
// override merge replaces them), and typed numbers the schema must judge pass through.

const program = programSchema.parse({
  currency: "USD",
  earning: {
    pointsPerCurrencyUnit: 1,
    campaigns: [
      {
        id: "bfcm",
        name: "Black Friday",
        kind: "multiplier",
        multiplier: 2,
        startsAt: "2026-11-27T00:00:00Z",
        endsAt: "2026-12-01T00:00:00Z",
      },
      {
        id: "launch",
        name: "Launch week",
        kind: "fixed",
        points: 50,
        startsAt: "2026-03-01T00:00:00Z",
        endsAt: "2026-03-08T00:00:00Z",
      },
    ],
  },
  expiry: { policy: "inactivity", days: 365, noticeDays: 30 },
  tiers: {
    basis: "spend",
    levels: [
      { id: "silver", name: "Silver", threshold: 0 },
      { id: "gold", name: "Gold", threshold: 50_000, benefits: { earnMultiplier: 1.5 } },
    ],
  },
  rewards: [
    {
      id: "five",
      name: "$5 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
      pointsCost: 500,
    },
  ],
});

describe("overrideOf", () => {
  it("is empty when the fields are the live program's", () => {
    for (const lever of [
      "earnRate",
      "bonuses",
      "rewards",
      "tiers",
      "expiry",
      "messages",
      "widgetCopy",
    ] as const)
      expect(overrideOf(lever, program, liveFields(program)), lever).toEqual({});
  });

  it("sends only the widget texts that changed, an emptied one as empty (the translated default)", () => {
    const fields = liveFields(program);
    fields.copy.guestPitch = "Join and save 10% at Gold";
    expect(overrideOf("widgetCopy", program, fields)).toEqual({
      widgetCopy: { guestPitch: "Join and save 10% at Gold" },
    });
    const custom = programSchema.parse({ ...program, widgetCopy: { callToAction: "Join the club" } });
    const emptied = liveFields(custom);
    emptied.copy.callToAction = "";
    expect(overrideOf("widgetCopy", custom, emptied)).toEqual({ widgetCopy: { callToAction: "" } });
  });

  it("changes the earn rate, keeping a text the schema must refuse as typed", () => {
    const fields = liveFields(program);
    fields.pointsPerCurrencyUnit = "2.5";
    expect(overrideOf("earnRate", program, fields)).toEqual({ earning: { pointsPerCurrencyUnit: 2.5 } });
    fields.pointsPerCurrencyUnit = "lots";
    expect(overrideOf("earnRate", program, fields)).toEqual({ earning: { pointsPerCurrencyUnit: "lots" } });
  });

  it("sends whole tier levels with spend thresholds typed in major units, stored in minor", () => {
    const fields = liveFields(program);
    expect(fields.tierThresholds.gold).toBe("500");
    fields.tierThresholds.gold = "400";
    fields.tierMultipliers.gold = "2";
    const override = overrideOf("tiers", program, fields) as { tiers: { levels: unknown[] } };
    expect(override.tiers.levels).toEqual([
      expect.objectContaining({
        id: "silver",
        threshold: 0,
        benefits: expect.objectContaining({ earnMultiplier: 1 }),
      }),
      expect.objectContaining({
        id: "gold",
        threshold: 40_000,
        benefits: expect.objectContaining({ earnMultiplier: 2 }),
      }),
    ]);
  });

  it("sends the whole reward list with the new cost, and an expiry window with the live notice", () => {
    const fields = liveFields(program);
    fields.rewardCosts.five = "400";
    expect(overrideOf("rewards", program, fields)).toEqual({
      rewards: [expect.objectContaining({ id: "five", pointsCost: 400, name: "$5 off" })],
    });
    fields.expiryDays = "180";
    expect(overrideOf("expiry", program, fields)).toEqual({
      expiry: { policy: "inactivity", days: 180, noticeDays: 30 },
    });
    fields.expiryPolicy = "none";
    expect(overrideOf("expiry", program, fields)).toEqual({ expiry: { policy: "none" } });
  });
});

describe("overrideOf on the bonuses and messages levers", () => {
  it("sends the whole campaign list when a campaign's multiplier or points change", () => {
    const fields = liveFields(program);
    expect(fields.campaigns).toEqual({ bfcm: "2", launch: "50" });
    fields.campaigns.bfcm = "3";
    const override = overrideOf("bonuses", program, fields) as { earning: { campaigns: unknown[] } };
    expect(override).toEqual({
      earning: {
        campaigns: [{ ...program.earning.campaigns[0], multiplier: 3 }, { ...program.earning.campaigns[1] }],
      },
    });
    fields.signupBonus = "100";
    expect(overrideOf("bonuses", program, fields)).toMatchObject({ earning: { bonuses: { signup: 100 } } });
  });

  it("sends only the message texts that differ from the live program's", () => {
    const fields = liveFields(program);
    fields.messages.pointsEarned.subject = "{firstName}, {points} points just landed";
    expect(overrideOf("messages", program, fields)).toEqual({
      messages: { pointsEarned: { subject: "{firstName}, {points} points just landed" } },
    });
  });
});

describe("toInput", () => {
  it("builds an input the domain's schema accepts, the control without an override", () => {
    const draft = initialDraft(program);
    draft.name = "Double points";
    draft.key = slugify(draft.name);
    draft.variants[1]!.fields.pointsPerCurrencyUnit = "2";
    draft.guardrails = [{ metric: "netRevenue", thresholdPercent: "5" }];
    const input = toInput(draft, program);
    const parsed = experimentInputSchema.parse(input);
    expect(parsed.key).toBe("double-points");
    expect(parsed.variants.map((v) => v.override)).toEqual([{}, { earning: { pointsPerCurrencyUnit: 2 } }]);
    expect(parsed.guardrails).toEqual([{ metric: "netRevenue", threshold: 0.05 }]);
    expect(parsed.secondaryMetrics).not.toContain(parsed.primaryMetric);
  });

  it("opens the step each server error belongs to", () => {
    expect(stepOfError("variants.1.override.earning.pointsPerCurrencyUnit")).toBe("variants");
    expect(stepOfError("trafficPercent")).toBe("audience");
    expect(stepOfError("guardrails.0.threshold")).toBe("metrics");
    expect(stepOfError("key")).toBe("lever");
  });
});

describe("a draft prefilled from the program pages", () => {
  it("takes the lever and the treatment's fields from the link, and ignores a broken one", async () => {
    const { prefillFrom } = await import("./new.server");
    const live = programSchema.parse({ currency: "USD" });
    const url = new URL("http://app/app/experiments/new");
    url.searchParams.set("lever", "earnRate");
    url.searchParams.set("treatment", JSON.stringify({ pointsPerCurrencyUnit: "2" }));
    const draft = prefilledDraft(live, prefillFrom(url));
    expect(draft.lever).toBe("earnRate");
    expect(draft.variants.map((v) => v.fields.pointsPerCurrencyUnit)).toEqual(["1", "2"]);
    expect(overrideOf("earnRate", live, draft.variants[1]!.fields)).toEqual({
      earning: { pointsPerCurrencyUnit: 2 },
    });
    url.searchParams.set("lever", "everything");
    expect(prefillFrom(url)).toBeNull();
    expect(prefillFrom(new URL("http://app/app/experiments/new"))).toBeNull();
  });
});

describe("the bandit choice", () => {
  it("sends no bandit for a fixed split, and the settings as typed with equal weights for a bandit", () => {
    const draft = initialDraft(program);
    expect(toInput(draft, program).bandit).toBeNull();
    draft.allocation = "bandit";
    draft.variants.push({ ...structuredClone(draft.variants[1]!), key: "c", name: "C" });
    draft.variants[0]!.weight = "90";
    const input = toInput(draft, program);
    expect(input.bandit).toEqual({
      cadenceMinutes: 60,
      burnInPeriods: 24,
      minSharePercent: 5,
      maxChangePercent: 20,
    });
    expect(input.variants.map((v) => v.weight)).toEqual([34, 33, 33]);
    expect(experimentInputSchema.safeParse({ ...input, key: "k", name: "n" }).success).toBe(true);
    draft.bandit.minSharePercent = "lots";
    expect(toInput(draft, program).bandit?.minSharePercent).toBe("lots");
  });

  it("sends the segment context when one is chosen, and the review says what it does", () => {
    const draft = initialDraft(program);
    draft.allocation = "bandit";
    draft.bandit.context = "newVsReturning";
    expect(toInput(draft, program).bandit?.context).toBe("newVsReturning");
    expect(describeBandit(draft, "Orders")).toMatch(
      /Each new vs returning segment with enough members gets its own split/,
    );
  });

  it("puts the bandit's field errors on the audience & split step", () => {
    expect(stepOfError("bandit.minSharePercent")).toBe("audience");
    expect(stepOfError("bandit")).toBe("audience");
  });

  it("says what the bandit will do in the review", () => {
    const draft = initialDraft(program);
    expect(describeBandit(draft, "Net revenue")).toBeNull();
    draft.allocation = "bandit";
    expect(describeBandit(draft, "Net revenue per member")).toBe(
      "For the first 24 updates (1 day) every variant gets an equal share (50% each). After that, every hour " +
        "the bandit gives new members to each variant in proportion to its chance of being best on net revenue " +
        "per member, never less than 5% per variant and moving no share by more than 20 points in one update. " +
        "Members keep the variant they were first given. The variants' weights are not used.",
    );
    draft.bandit.burnInPeriods = "0";
    draft.bandit.cadenceMinutes = "1440";
    expect(describeBandit(draft, "Orders")).toMatch(/^From the first update, every day the bandit/);
  });
});
