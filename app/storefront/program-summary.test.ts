import { describe, expect, it } from "vitest";
import { program } from "../../tests/support/loyalty-fixtures";
import { nextReward, programSummary } from "./program-summary";

const NOW = new Date("2025-06-10T12:00:00Z");

const PROGRAM = program({
  currency: "USD",
  earning: {
    pointsPerCurrencyUnit: 2,
    bonuses: { signup: 100, firstOrder: 50, birthday: 200 },
    campaigns: [
      {
        id: "now",
        name: "Double June",
        kind: "multiplier",
        multiplier: 2,
        startsAt: "2025-06-01T00:00:00Z",
        endsAt: "2025-07-01T00:00:00Z",
      },
      {
        id: "past",
        name: "May bonus",
        kind: "fixed",
        points: 20,
        startsAt: "2025-05-01T00:00:00Z",
        endsAt: "2025-06-01T00:00:00Z",
      },
    ],
  },
  rewards: [
    {
      id: "a",
      name: "$5 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
      pointsCost: 500,
    },
    { id: "off", name: "Retired", active: false, value: { kind: "freeShipping" }, pointsCost: 100 },
    {
      id: "b",
      name: "$20 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 2000, currency: "USD" } },
      pointsCost: 1500,
      minimumSubtotal: { amountMinor: 5000, currency: "USD" },
      perMemberLimit: 2,
      availableUntil: "2025-12-31T00:00:00Z",
    },
  ],
  tiers: {
    basis: "spend",
    levels: [
      { id: "gold", name: "Gold", threshold: 50000, benefits: { perkPercent: 10, earnMultiplier: 1.5 } },
    ],
  },
  widgetCopy: { guestPitch: "Join the club" },
});

describe("programSummary", () => {
  it("lists the ways to earn, with only the campaigns running now", () => {
    expect(programSummary(PROGRAM, NOW).earn).toEqual({
      pointsPerCurrencyUnit: 2,
      signup: 100,
      firstOrder: 50,
      birthday: 200,
      campaigns: [{ name: "Double June", kind: "multiplier", multiplier: 2, endsAt: "2025-07-01T00:00:00Z" }],
    });
  });

  it("shows active rewards with their conditions, the tiers with their perks and the copy", () => {
    const summary = programSummary(PROGRAM, NOW);
    expect(summary.rewards.map((r) => r.id)).toEqual(["a", "b"]);
    expect(summary.rewards[1]).toMatchObject({
      minimumSubtotal: { amountMinor: 5000, currency: "USD" },
      perMemberLimit: 2,
      availableUntil: "2025-12-31T00:00:00Z",
      available: true,
    });
    expect(summary.tiers.levels).toEqual([
      {
        id: "gold",
        name: "Gold",
        threshold: 50000,
        perkPercent: 10,
        freeShipping: false,
        earnMultiplier: 1.5,
      },
    ]);
    expect(summary.copy).toEqual({ guestPitch: "Join the club", memberGreeting: "", callToAction: "" });
  });
});

describe("nextReward", () => {
  const rewards = [
    { id: "big", name: "Big", pointsCost: 5000, available: true },
    { id: "small", name: "Small", pointsCost: 500, available: true },
    { id: "mid", name: "Mid", pointsCost: 1500, available: true },
    { id: "gone", name: "Gone", pointsCost: 800, available: false },
  ];

  it("is the cheapest available reward the member cannot afford yet", () => {
    expect(nextReward(rewards, 600)).toEqual({
      id: "mid",
      name: "Mid",
      pointsCost: 1500,
      remaining: 900,
      fraction: 0.4,
    });
    expect(nextReward(rewards, 0)).toMatchObject({ id: "small", remaining: 500, fraction: 0 });
  });

  it("is null when every available reward is affordable, and never counts negative balances as progress", () => {
    expect(nextReward(rewards, 5000)).toBeNull();
    expect(nextReward([], 10)).toBeNull();
    expect(nextReward(rewards, -200)).toMatchObject({ id: "small", remaining: 700, fraction: 0 });
  });
});
