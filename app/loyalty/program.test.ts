import { describe, expect, it } from "vitest";
import { defaultProgram, programFieldErrors, programSchema } from "./program";

function errors(input: unknown) {
  const result = programSchema.safeParse(input);
  if (result.success) throw new Error("expected the configuration to be rejected");
  return programFieldErrors(result.error);
}

describe("program configuration", () => {
  it("fills every default a new shop starts with", () => {
    const p = defaultProgram("EUR");
    expect(p.earning).toMatchObject({
      pointsPerCurrencyUnit: 1,
      includeShipping: false,
      includeTax: false,
      rounding: "floor",
      pendingDays: 30,
    });
    expect(p.earning.exclusions.giftCards).toBe(true);
    expect(p.expiry).toEqual({ policy: "none" });
    expect(p.tiers).toMatchObject({
      basis: "spend",
      window: "rolling12m",
      levels: [],
      downgradeGraceDays: 30,
    });
    expect(p.membership).toMatchObject({ enrollment: "automatic", excludeStaff: true });
    expect(p.refunds.negativeBalance).toBe("allow");
    expect(p.refunds.returnPointsOnExpiry).toBe(true);
  });

  it("keeps an explicit choice not to return points of lapsed reward codes, and refuses a non-boolean", () => {
    expect(
      programSchema.parse({ currency: "USD", refunds: { returnPointsOnExpiry: false } }).refunds,
    ).toEqual({
      negativeBalance: "allow",
      returnPointsOnExpiry: false,
    });
    expect(errors({ currency: "USD", refunds: { returnPointsOnExpiry: "sometimes" } })).toEqual({
      "refunds.returnPointsOnExpiry": "Choose yes or no.",
    });
  });

  it("round-trips through JSON unchanged, so the stored version is the parsed one", () => {
    const p = programSchema.parse({
      currency: "USD",
      earning: {
        campaigns: [
          {
            id: "bf",
            name: "Black Friday",
            kind: "multiplier",
            multiplier: 3,
            startsAt: "2025-11-28T00:00:00Z",
            endsAt: "2025-12-01T00:00:00Z",
          },
        ],
      },
      tiers: {
        levels: [
          { id: "silver", name: "Silver", threshold: 0 },
          { id: "gold", name: "Gold", threshold: 50_000, benefits: { earnMultiplier: 1.5 } },
        ],
      },
      rewards: [
        {
          id: "r5",
          name: "$5 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
          pointsCost: 500,
        },
      ],
      expiry: { policy: "fixedAge", days: 365 },
    });
    expect(programSchema.parse(JSON.parse(JSON.stringify(p)))).toEqual(p);
    expect(p.expiry).toEqual({ policy: "fixedAge", days: 365, noticeDays: 30 });
  });

  it.each([
    ["currency", { currency: "usd" }, "Use a three-letter ISO currency code, such as USD."],
    [
      "earning.pointsPerCurrencyUnit",
      { currency: "USD", earning: { pointsPerCurrencyUnit: -1 } },
      "Points per currency unit cannot be negative.",
    ],
    ["earning.pendingDays", { currency: "USD", earning: { pendingDays: 1.5 } }, "Enter whole days."],
    [
      "earning.rounding",
      { currency: "USD", earning: { rounding: "banker" } },
      "Choose floor, round or ceil.",
    ],
    [
      "earning.bonuses.firstOrder",
      { currency: "USD", earning: { bonuses: { firstOrder: 2.5 } } },
      "Points are whole numbers.",
    ],
    [
      "tiers.levels.1.threshold",
      {
        currency: "USD",
        tiers: {
          levels: [
            { id: "a", name: "Silver", threshold: 100 },
            { id: "b", name: "Gold", threshold: 100 },
          ],
        },
      },
      "Must be higher than Silver's threshold (100).",
    ],
    [
      "tiers.levels.1.id",
      {
        currency: "USD",
        tiers: {
          levels: [
            { id: "a", name: "A", threshold: 0 },
            { id: "a", name: "B", threshold: 1 },
          ],
        },
      },
      "Tier ids must be unique.",
    ],
    [
      "expiry.noticeDays",
      { currency: "USD", expiry: { policy: "inactivity", days: 60, noticeDays: 60 } },
      "The notice must come before the points expire.",
    ],
    ["expiry.days", { currency: "USD", expiry: { policy: "fixedAge", days: 7 } }, "At least 30 days."],
    [
      "rewards.0.pointsCost",
      { currency: "USD", rewards: [{ id: "r", name: "R", value: { kind: "freeShipping" }, pointsCost: 0 }] },
      "A reward costs at least 1 point.",
    ],
    [
      "rewards.0.value.percent",
      {
        currency: "USD",
        rewards: [{ id: "r", name: "R", value: { kind: "percentage", percent: 120 }, pointsCost: 10 }],
      },
      "At most 100%.",
    ],
    [
      "rewards.0.value.amount.currency",
      {
        currency: "USD",
        rewards: [
          {
            id: "r",
            name: "R",
            value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "EUR" } },
            pointsCost: 10,
          },
        ],
      },
      "Use the shop currency (USD).",
    ],
    [
      "rewards.0.minimumSubtotal.amountMinor",
      {
        currency: "USD",
        rewards: [
          {
            id: "r",
            name: "R",
            value: { kind: "freeShipping" },
            pointsCost: 10,
            minimumSubtotal: { amountMinor: 12.5, currency: "USD" },
          },
        ],
      },
      "Enter a whole amount in the currency's smallest unit (e.g. cents).",
    ],
    [
      "earning.campaigns.0.endsAt",
      {
        currency: "USD",
        earning: {
          campaigns: [
            {
              id: "c",
              name: "C",
              kind: "fixed",
              points: 10,
              startsAt: "2025-02-01T00:00:00Z",
              endsAt: "2025-01-01T00:00:00Z",
            },
          ],
        },
      },
      "The campaign must end after it starts.",
    ],
    [
      "earning.multipliers.1.value",
      {
        currency: "USD",
        earning: {
          multipliers: [
            { target: "tag", value: "vip", multiplier: 2 },
            { target: "tag", value: "vip", multiplier: 3 },
          ],
        },
      },
      "There is already a multiplier for this tag.",
    ],
  ])("rejects %s with a field message", (path, input, message) => {
    expect(errors(input)[path]).toBe(message);
  });
});
