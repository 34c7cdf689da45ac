import { describe, expect, it } from "vitest";
import { program } from "../../tests/support/loyalty-fixtures";
import { canRedeem, discountSpecForReward } from "./redemption";

const now = new Date("2025-06-01T12:00:00Z");
const p = program({
  rewards: [
    {
      id: "five",
      name: "$5 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
      pointsCost: 500,
      minimumSubtotal: { amountMinor: 2500, currency: "USD" },
      perMemberLimit: 2,
      codeLifetimeDays: 30,
    },
    { id: "ship", name: "Free shipping", value: { kind: "freeShipping" }, pointsCost: 300, active: false },
    {
      id: "xmas",
      name: "Holiday mug",
      value: { kind: "freeProduct", productId: "p1", variantId: "v1" },
      pointsCost: 800,
      availableFrom: "2025-12-01T00:00:00Z",
      availableUntil: "2025-12-25T00:00:00Z",
    },
  ],
});
const reward = (id: string) => p.rewards.find((r) => r.id === id)!;
const rich = { available: 10_000, eligible: true };

describe("canRedeem", () => {
  it.each([
    [
      "allows a member with enough points",
      rich,
      "five",
      { redemptionsOfReward: 0, cartSubtotalMinor: 3000 },
      now,
      { ok: true, pointsCost: 500 },
    ],
    [
      "refuses an excluded member",
      { available: 10_000, eligible: false },
      "five",
      { redemptionsOfReward: 0 },
      now,
      { ok: false, reason: "notEligible" },
    ],
    [
      "refuses short of points, saying by how much",
      { available: 420, eligible: true },
      "five",
      { redemptionsOfReward: 0 },
      now,
      { ok: false, reason: "insufficientPoints", shortBy: 80 },
    ],
    [
      "refuses a paused reward",
      rich,
      "ship",
      { redemptionsOfReward: 0 },
      now,
      { ok: false, reason: "rewardInactive" },
    ],
    [
      "refuses a reward before its window",
      rich,
      "xmas",
      { redemptionsOfReward: 0 },
      now,
      { ok: false, reason: "rewardInactive" },
    ],
    [
      "allows a reward inside its window",
      rich,
      "xmas",
      { redemptionsOfReward: 0 },
      new Date("2025-12-24T23:59:59Z"),
      { ok: true, pointsCost: 800 },
    ],
    [
      "refuses a reward at the end of its window",
      rich,
      "xmas",
      { redemptionsOfReward: 0 },
      new Date("2025-12-25T00:00:00Z"),
      { ok: false, reason: "rewardInactive" },
    ],
    [
      "refuses past the per-member limit",
      rich,
      "five",
      { redemptionsOfReward: 2 },
      now,
      { ok: false, reason: "perMemberLimitReached", limit: 2 },
    ],
    [
      "refuses a cart below the minimum",
      rich,
      "five",
      { redemptionsOfReward: 0, cartSubtotalMinor: 2499 },
      now,
      { ok: false, reason: "belowMinimumSubtotal", minimumSubtotal: { amountMinor: 2500, currency: "USD" } },
    ],
    [
      "leaves the minimum to checkout when no cart is known",
      rich,
      "five",
      { redemptionsOfReward: 0, cartSubtotalMinor: null },
      now,
      { ok: true, pointsCost: 500 },
    ],
  ] as const)("%s", (_, member, id, usage, at, expected) => {
    expect(canRedeem(member, reward(id), p, at, usage)).toEqual(expected);
  });

  it("refuses a reward the current program no longer has, even with a stale copy", () => {
    expect(canRedeem(rich, { ...reward("five"), id: "gone" }, p, now, { redemptionsOfReward: 0 })).toEqual({
      ok: false,
      reason: "rewardInactive",
    });
  });

  it("prices from the current version, not from a stale copy", () => {
    expect(canRedeem(rich, { ...reward("five"), pointsCost: 1 }, p, now, { redemptionsOfReward: 0 })).toEqual(
      { ok: true, pointsCost: 500 },
    );
  });
});

describe("discountSpecForReward", () => {
  it("makes a single-use code valid from now for the reward's lifetime", () => {
    expect(discountSpecForReward(reward("five"), now)).toEqual({
      title: "$5 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
      minimumSubtotal: { amountMinor: 2500, currency: "USD" },
      startsAt: now,
      endsAt: new Date("2025-07-01T12:00:00Z"),
      usageLimit: 1,
      appliesOncePerCustomer: true,
    });
  });
});
