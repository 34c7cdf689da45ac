import { describe, expect, it } from "vitest";
import { line, order as fixtureOrder, program } from "../../tests/support/loyalty-fixtures";
import { pointsForOrder } from "~/loyalty/earning";
import { applyOverrides } from "~/loyalty/member-program";
import { LEVERS, overrideErrors } from "./levers";

const live = program({
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
    ],
  },
});

describe("the bonuses lever", () => {
  it("owns the bonus campaigns: a variant's campaign multiplier is what its members earn under", () => {
    const patch = {
      earning: { campaigns: [{ ...live.earning.campaigns[0], multiplier: 3 }] },
    };
    expect(overrideErrors(live, "bonuses", "triple", patch)).toEqual({});
    const variant = applyOverrides(live, [{ variantKey: "bf:triple", patch }]);
    const order = fixtureOrder({
      placedAt: new Date("2026-11-28T12:00:00Z"),
      lines: [line({ unitPriceMinor: 10_000 })],
    });
    const now = new Date("2026-12-05T00:00:00Z");
    const earned = (p: typeof live) => pointsForOrder(order, { tierId: null, previousOrderCount: 1 }, p, now);
    expect(earned(live).orderPoints).toBe(200);
    expect(earned(variant).orderPoints).toBe(300);
  });

  it("answers a field error for a campaign the schema refuses", () => {
    const patch = { earning: { campaigns: [{ ...live.earning.campaigns[0], multiplier: 0.5 }] } };
    expect(overrideErrors(live, "bonuses", "half", patch)).toEqual({
      "earning.campaigns.0.multiplier": "A campaign multiplier is at least 1.",
    });
  });

  it("does not let the earn-rate lever change campaigns", () => {
    const patch = { earning: { campaigns: [] } };
    expect(Object.keys(overrideErrors(live, "earnRate", "none", patch))).toEqual(["earning.campaigns"]);
  });
});

describe("the messages lever", () => {
  it("changes the messages, and only them, with the message exposure trigger allowed", () => {
    expect(LEVERS.messages.triggers).toEqual(["assignment", "message"]);
    const patch = { messages: { welcome: { subject: "Hello {firstName}, your points are waiting" } } };
    expect(overrideErrors(live, "messages", "hello", patch)).toEqual({});
    expect(
      Object.keys(overrideErrors(live, "messages", "x", { earning: { pointsPerCurrencyUnit: 2 } })),
    ).toEqual(["earning"]);
  });

  it("answers field errors keyed by the template's path", () => {
    const patch = { messages: { rewardAvailable: { body: "Redeem {reward} now" } } };
    const errors = overrideErrors(live, "messages", "bad", patch);
    expect(Object.keys(errors)).toEqual(["messages.rewardAvailable.body"]);
    expect(errors["messages.rewardAvailable.body"]).toContain("Unknown placeholder {reward}");
  });
});
