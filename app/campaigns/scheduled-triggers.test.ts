import { describe, expect, it } from "vitest";
import { tiersSchema } from "~/loyalty/program-tiers";
import {
  almostThere,
  amountToKeepTier,
  birthdayOccurrence,
  birthdaysOn,
  downgradeWarning,
  localDate,
  predictedDowngradeWarning,
  readTriggerSettings,
  tierDropAt,
} from "./scheduled-triggers";
import { firesOn } from "./triggers";

const tiers = tiersSchema.parse({
  basis: "spend",
  window: "rolling12m",
  downgradeGraceDays: 30,
  reevaluation: "daily",
  levels: [
    { id: "silver", name: "Silver", threshold: 10_000 },
    { id: "gold", name: "Gold", threshold: 50_000 },
  ],
});

describe("tier downgrade warning ahead of a rolling window's drop", () => {
  // Gold at $500 over the last 12 months: $300 on 10 March 2026 and $250 on 1 September 2026.
  // On 10 March 2027 the first order leaves the window ($250 < $500): the grace starts then,
  // ends 9 April 00:00 and the daily evaluation drops the member on 9 April 00:00.
  const order = (iso: string, spendMinor: number) => ({
    at: new Date(iso),
    spendMinor,
    points: 0,
    orders: 1,
  });
  const history = [order("2026-03-10T00:00:00Z", 30_000), order("2026-09-01T00:00:00Z", 25_000)];
  const gold = { tierId: "gold" };
  const at = (iso: string, t = tiers, h = history, member = gold) =>
    predictedDowngradeWarning(member, h, t, 14, new Date(iso));
  const expected = {
    occurrence: "tier-downgrade:gold:2027-03-10T00:00:00.000Z",
    dropAt: new Date("2027-04-09T00:00:00Z"),
  };

  it("warns N days before the drop, with the occurrence the grace period will have", () => {
    expect(at("2027-03-25T23:59:59Z")).toBeNull();
    expect(at("2027-03-26T00:00:00Z")).toEqual(expected);
    // Once the order has left and the member is in grace, the grace-period warning has the same key.
    expect(at("2027-04-01T00:00:00Z")).toEqual(expected);
    expect(
      downgradeWarning(
        { tierId: "gold", tierBelowSince: new Date("2027-03-10T00:00:00Z") },
        tiers,
        14,
        new Date("2027-03-26T00:00:00Z"),
      ),
    ).toEqual(expected);
    expect(at("2027-04-09T00:00:00Z")).toBeNull();
  });

  it("warns before the order leaves when there is no grace period: the drop is the next evaluation after it", () => {
    const noGrace = { ...tiers, downgradeGraceDays: 0 };
    expect(at("2027-02-23T23:59:59Z", noGrace)).toBeNull();
    expect(at("2027-02-24T00:00:00Z", noGrace)).toEqual({
      occurrence: "tier-downgrade:gold:2027-03-10T00:00:00.000Z",
      dropAt: new Date("2027-03-10T00:00:00Z"),
    });
  });

  it("does not warn a member who keeps the tier, one with a newer order, nor other windows", () => {
    // A third order keeps $500 in the window after March.
    expect(at("2027-03-26T00:00:00Z", tiers, [...history, order("2027-01-15T00:00:00Z", 30_000)])).toBeNull();
    // Enough spend left after the first order leaves: $550 - $30 = $520.
    expect(
      at("2027-03-26T00:00:00Z", tiers, [
        order("2026-03-10T00:00:00Z", 3_000),
        order("2026-09-01T00:00:00Z", 52_000),
      ]),
    ).toBeNull();
    expect(at("2027-03-26T00:00:00Z", { ...tiers, window: "lifetime" })).toBeNull();
    expect(at("2027-03-26T00:00:00Z", tiers, history, { tierId: null } as never)).toBeNull();
    // A tier brought from another app holds until it lapses.
    const floor = { tierId: "gold", until: new Date("2027-06-01T00:00:00Z") };
    expect(at("2027-03-26T00:00:00Z", tiers, history, { ...gold, floor } as never)).toBeNull();
  });
});

describe("birthday", () => {
  it("is the shop-local date: late evening in New York is already tomorrow in UTC", () => {
    const now = new Date("2027-05-11T02:00:00Z");
    expect(localDate(now, "America/New_York")).toEqual({ year: 2027, month: 5, day: 10 });
    expect(localDate(now, "UTC")).toEqual({ year: 2027, month: 5, day: 11 });
  });

  it("keeps 29 February on the 28th in common years only", () => {
    expect(birthdaysOn({ year: 2027, month: 2, day: 28 })).toEqual({ month: 2, days: [28, 29] });
    expect(birthdaysOn({ year: 2028, month: 2, day: 28 })).toEqual({ month: 2, days: [28] });
    expect(birthdaysOn({ year: 2028, month: 2, day: 29 })).toEqual({ month: 2, days: [29] });
  });

  it("fires once a year", () => {
    expect(birthdayOccurrence({ year: 2027, month: 5, day: 10 })).toBe("birthday:2027");
  });
});

describe("tier downgrade warning", () => {
  const below = new Date("2027-03-01T10:00:00Z");
  const member = { tierId: "gold", tierBelowSince: below };

  it("drops at the first daily evaluation after the grace period", () => {
    // Grace ends 31 March 10:00; the next daily evaluation is 1 April 00:00 UTC.
    expect(tierDropAt(member, tiers)).toEqual(new Date("2027-04-01T00:00:00Z"));
    expect(tierDropAt({ ...member, tierBelowSince: null }, tiers)).toBeNull();
    expect(tierDropAt({ ...member, tierId: "removed" }, tiers)).toBeNull();
  });

  it("warns from N days before the drop until the drop, keyed by the grace period", () => {
    const at = (iso: string) => downgradeWarning(member, tiers, 14, new Date(iso));
    expect(at("2027-03-17T23:59:59Z")).toBeNull();
    expect(at("2027-03-18T00:00:00Z")).toEqual({
      occurrence: "tier-downgrade:gold:2027-03-01T10:00:00.000Z",
      dropAt: new Date("2027-04-01T00:00:00Z"),
    });
    expect(at("2027-03-31T23:00:00Z")?.occurrence).toBe("tier-downgrade:gold:2027-03-01T10:00:00.000Z");
    expect(at("2027-04-01T00:00:00Z")).toBeNull();
    // A new grace period is a new occurrence.
    const later = { tierId: "gold", tierBelowSince: new Date("2027-06-01T00:00:00Z") };
    expect(downgradeWarning(later, tiers, 14, new Date("2027-06-25T00:00:00Z"))?.occurrence).toBe(
      "tier-downgrade:gold:2027-06-01T00:00:00.000Z",
    );
  });

  it("monthly evaluation: the drop waits for the first of the month", () => {
    const monthly = { ...tiers, reevaluation: "monthly" as const };
    expect(tierDropAt(member, monthly)).toEqual(new Date("2027-04-01T00:00:00Z"));
    expect(tierDropAt({ ...member, tierBelowSince: new Date("2027-03-05T00:00:00Z") }, monthly)).toEqual(
      new Date("2027-05-01T00:00:00Z"),
    );
  });

  it("says what keeps the tier", () => {
    expect(amountToKeepTier("gold", 42_000, tiers)).toBe(8_000);
    expect(amountToKeepTier("gold", 60_000, tiers)).toBe(0);
    expect(amountToKeepTier(null, 0, tiers)).toBeNull();
  });
});

describe("almost there", () => {
  const rewards = [
    { id: "r10", pointsCost: 1000 },
    { id: "r5", pointsCost: 500 },
  ];
  const settings = { rewardPercent: 80, tierWithin: 2_000 };
  const member = { availablePoints: 0, redeemedPoints: 0, nextTierId: "silver", tierRemaining: 10_000 };
  const now = new Date("2027-05-01T00:00:00Z");

  it("fires at the percent of the nearest reward not yet affordable, once per reward and redemption level", () => {
    expect(almostThere({ ...member, availablePoints: 399 }, rewards, tiers, settings, now)).toBeNull();
    expect(almostThere({ ...member, availablePoints: 400 }, rewards, tiers, settings, now)).toEqual({
      occurrence: "almost-reward:r5:0",
    });
    // Affording the first, close to the second.
    expect(almostThere({ ...member, availablePoints: 800 }, rewards, tiers, settings, now)?.occurrence).toBe(
      "almost-reward:r10:0",
    );
    // After a redemption the same reward is a new crossing.
    expect(
      almostThere({ ...member, availablePoints: 450, redeemedPoints: 500 }, rewards, tiers, settings, now)
        ?.occurrence,
    ).toBe("almost-reward:r5:500");
    // Every reward affordable: nothing to be near.
    expect(almostThere({ ...member, availablePoints: 5000 }, rewards, tiers, settings, now)).toBeNull();
  });

  it("fires within the amount of the next tier, once per tier (per year for a calendar-year window)", () => {
    const near = { ...member, tierRemaining: 2_000 };
    expect(almostThere(near, [], tiers, settings, now)).toEqual({ occurrence: "almost-tier:silver" });
    expect(almostThere({ ...member, tierRemaining: 2_001 }, [], tiers, settings, now)).toBeNull();
    expect(almostThere(near, [], tiers, { ...settings, tierWithin: null }, now)).toBeNull();
    expect(almostThere({ ...near, nextTierId: null }, [], tiers, settings, now)).toBeNull();
    const yearly = { ...tiers, window: "calendarYear" as const };
    expect(almostThere(near, [], yearly, settings, now)).toEqual({ occurrence: "almost-tier:silver:2027" });
  });
});

describe("settings", () => {
  it("fill in defaults and survive damaged JSON", () => {
    expect(readTriggerSettings("tierDowngradeWarning", {})).toEqual({ daysBefore: 14 });
    expect(readTriggerSettings("winBack", { cooldownDays: "x" })).toEqual({ cooldownDays: 90 });
    expect(readTriggerSettings("almostThere", { rewardPercent: 90 })).toEqual({
      rewardPercent: 90,
      tierWithin: null,
    });
  });
});

describe("event-driven lifecycle triggers", () => {
  const member = { availablePoints: 0, rewardCosts: [] };
  it("welcome: a recent joiner, not an old customer enrolled by a backfill", () => {
    const enrolled = (joinedAt: string | null) => ({
      type: "memberEnrolled",
      payload: { joinedAt },
      occurredAt: new Date("2027-05-01T00:00:00Z"),
    });
    expect(firesOn("welcome", enrolled("2027-04-30T00:00:00Z"), member)).toBe(true);
    expect(firesOn("welcome", enrolled(null), member)).toBe(true);
    expect(firesOn("welcome", enrolled("2026-01-01T00:00:00Z"), member)).toBe(false);
    expect(firesOn("welcome", { type: "pointsEarned", payload: {} }, member)).toBe(false);
  });

  it("points expiring: a notice with points", () => {
    const notice = (points: number) => ({ type: "pointsExpiring", payload: { points, expiresAt: "x" } });
    expect(firesOn("pointsExpiring", notice(120), member)).toBe(true);
    expect(firesOn("pointsExpiring", notice(0), member)).toBe(false);
  });
});

describe("default copy", () => {
  it("exists for every trigger and uses only known variables", async () => {
    const { DEFAULT_COPY } = await import("./default-copy");
    const { templateProblem } = await import("./template");
    const { TRIGGER_KINDS } = await import("./triggers");
    for (const kind of TRIGGER_KINDS) {
      const copy = DEFAULT_COPY[kind];
      expect(templateProblem(copy.subject), kind).toBeNull();
      expect(templateProblem(copy.body), kind).toBeNull();
    }
  });
});
