import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tiersSchema } from "./program-tiers";
import {
  evaluateTier,
  nextEvaluationAt,
  progressToNext,
  qualifyingValue,
  tierHeldAt,
  tierStanding,
  type QualifyingEvent,
  type TierStanding,
} from "./tiers";

const tiers = (overrides: object = {}) =>
  tiersSchema.parse({
    basis: "spend",
    window: "rolling12m",
    downgradeGraceDays: 30,
    levels: [
      { id: "bronze", name: "Bronze", threshold: 0 },
      { id: "silver", name: "Silver", threshold: 20_000 },
      { id: "gold", name: "Gold", threshold: 100_000 },
    ],
    ...overrides,
  });

const order = (iso: string, spendMinor: number, points = 0): QualifyingEvent => ({
  at: new Date(iso),
  spendMinor,
  points,
  orders: 1,
});
const fresh: TierStanding = { tierId: null, belowSince: null };

describe("qualifyingValue", () => {
  const history = [
    order("2024-03-01T00:00:00Z", 30_000, 60),
    order("2025-01-10T00:00:00Z", 5000, 10),
    order("2025-06-01T00:00:00Z", 10_000, 20),
  ];
  const now = new Date("2025-06-15T00:00:00Z");

  it.each([
    ["lifetime", "spend", 45_000],
    ["rolling12m", "spend", 15_000],
    ["calendarYear", "spend", 15_000],
    ["lifetime", "points", 90],
    ["lifetime", "orders", 3],
  ] as const)("%s window on %s", (window, basis, expected) => {
    expect(qualifyingValue(history, tiers({ window, basis }), now)).toBe(expected);
  });

  it("drops an order exactly 12 months old from the rolling window, and ignores the future", () => {
    const t = tiers();
    expect(qualifyingValue([order("2024-06-15T00:00:00Z", 100)], t, now)).toBe(0);
    expect(qualifyingValue([order("2024-06-15T00:00:01Z", 100)], t, now)).toBe(100);
    expect(qualifyingValue([order("2025-06-15T00:00:01Z", 100)], t, now)).toBe(0);
  });

  it("counts refunds against spend, never below zero", () => {
    const refund = { at: new Date("2025-06-02T00:00:00Z"), spendMinor: -50_000, points: 0, orders: 0 };
    expect(
      qualifyingValue(
        [order("2025-06-01T00:00:00Z", 10_000), refund],
        tiers(),
        new Date("2025-06-03T00:00:00Z"),
      ),
    ).toBe(0);
  });
});

describe("evaluateTier", () => {
  const now = new Date("2025-06-15T00:00:00Z");

  it("upgrades immediately", () => {
    const e = evaluateTier(
      [order("2025-06-14T00:00:00Z", 25_000)],
      { tierId: "bronze", belowSince: null },
      tiers(),
      now,
    );
    expect(e).toMatchObject({
      tierId: "silver",
      change: "upgrade",
      belowSince: null,
      progress: { nextTierId: "gold", remaining: 75_000, fraction: 0.25 },
    });
  });

  it("holds a tier through the grace period, then downgrades", () => {
    const t = tiers();
    const history = [order("2024-07-01T00:00:00Z", 120_000)];
    const day = (iso: string) => new Date(iso);
    const first = evaluateTier(history, { tierId: "gold", belowSince: null }, t, day("2025-07-02T00:00:00Z"));
    expect(first).toMatchObject({
      tierId: "gold",
      qualifiedTierId: "bronze",
      change: "graceStarted",
      graceEndsAt: day("2025-08-01T00:00:00Z"),
    });
    const during = evaluateTier(history, first, t, day("2025-07-31T23:59:59Z"));
    expect(during).toMatchObject({
      tierId: "gold",
      change: "inGrace",
      belowSince: day("2025-07-02T00:00:00Z"),
    });
    expect(evaluateTier(history, during, t, day("2025-08-01T00:00:00Z"))).toMatchObject({
      tierId: "bronze",
      change: "downgrade",
      belowSince: null,
    });
  });

  it("ends the grace when the member qualifies again", () => {
    const e = evaluateTier(
      [order("2025-06-10T00:00:00Z", 100_000)],
      { tierId: "gold", belowSince: new Date("2025-06-01T00:00:00Z") },
      tiers(),
      now,
    );
    expect(e).toMatchObject({
      tierId: "gold",
      change: "unchanged",
      belowSince: null,
      graceEndsAt: null,
      progress: { reason: "topTier" },
    });
  });

  it("reassigns members whose tier the merchant removed", () => {
    expect(evaluateTier([], { tierId: "platinum", belowSince: null }, tiers(), now)).toMatchObject({
      tierId: "bronze",
      change: "reassigned",
    });
  });

  it("works with no tiers configured", () => {
    expect(evaluateTier([order("2025-06-01T00:00:00Z", 5)], fresh, tiers({ levels: [] }), now)).toMatchObject(
      { tierId: null, change: "unchanged", progress: { reason: "noTiers" } },
    );
  });

  it("never lands a member above what they qualify for, nor below it once grace is over", () => {
    const t = tiers({ downgradeGraceDays: 0 });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60_000 }), { maxLength: 6 }),
        fc.constantFrom(null, "bronze", "silver", "gold"),
        (spends, tierId) => {
          const history = spends.map((s, i) => order(`2025-0${1 + (i % 5)}-01T00:00:00Z`, s));
          const e = evaluateTier(history, { tierId, belowSince: null }, t, now);
          expect(e.tierId).toBe(e.qualifiedTierId);
          const p = progressToNext(e.value, t.levels);
          expect(p.fraction).toBeGreaterThanOrEqual(0);
          expect(p.fraction).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe("nextEvaluationAt", () => {
  const wednesday = new Date("2025-06-18T15:30:00Z");
  it.each([
    ["daily", "2025-06-19T00:00:00.000Z"],
    ["weekly", "2025-06-23T00:00:00.000Z"],
    ["monthly", "2025-07-01T00:00:00.000Z"],
  ] as const)("%s", (schedule, expected) => {
    expect(nextEvaluationAt(schedule, wednesday).toISOString()).toBe(expected);
  });
  it("moves a Monday's weekly run to the next Monday", () => {
    expect(nextEvaluationAt("weekly", new Date("2025-06-23T00:00:00Z")).toISOString()).toBe(
      "2025-06-30T00:00:00.000Z",
    );
  });
});

describe("tierHeldAt", () => {
  const HOUR = 3_600_000;
  const config = tiers({ downgradeGraceDays: 30 });

  it("counts only what happened before the order, and keeps a tier through the grace period", () => {
    const history = [order("2025-01-10T00:00:00Z", 25_000), order("2025-03-01T00:00:00Z", 80_000)];
    // The order that reached Gold earns at Silver; the next one at Gold.
    expect(tierHeldAt(history, config, new Date("2025-03-01T00:00:00Z"))).toBe("silver");
    expect(tierHeldAt(history, config, new Date("2025-03-01T00:00:01Z"))).toBe("gold");
    // A refund takes Gold away: the member keeps it for 30 days, then earns at Silver.
    const refunded = [...history, { ...order("2025-04-01T00:00:00Z", -70_000), orders: 0 }];
    expect(tierHeldAt(refunded, config, new Date("2025-04-30T23:00:00Z"))).toBe("gold");
    expect(tierHeldAt(refunded, config, new Date("2025-05-01T01:00:00Z"))).toBe("silver");
    // Without grace the refund counts at once.
    expect(tierHeldAt(refunded, tiers({ downgradeGraceDays: 0 }), new Date("2025-04-01T01:00:00Z"))).toBe(
      "silver",
    );
    // A rolling window lets old spend go (Gold's until 2026-01-10), after the grace period.
    expect(tierHeldAt(history, config, new Date("2026-02-05T00:00:00Z"))).toBe("gold");
    expect(tierHeldAt(history, config, new Date("2026-02-12T00:00:00Z"))).toBe("silver");
    expect(tierHeldAt(history, config, new Date("2026-04-01T00:00:00Z"))).toBe("bronze");
    expect(tierHeldAt([], tiers({ levels: [] }), new Date())).toBeNull();
  });

  it("is the highest tier the member qualified for at any hour of the grace period before the order", () => {
    // Reference by brute force: events on whole hours make the value constant between
    // hours, so sampling every hour of the period finds its highest point.
    const start = Date.parse("2024-01-01T00:00:00Z");
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            hour: fc.nat({ max: 2 * 365 * 24 }),
            spend: fc.integer({ min: -40_000, max: 60_000 }),
          }),
          { maxLength: 12 },
        ),
        fc.nat({ max: 2 * 365 * 24 }),
        fc.nat({ max: 60 }),
        fc.constantFrom<"lifetime" | "rolling12m" | "calendarYear">("lifetime", "rolling12m", "calendarYear"),
        (events, atHour, graceDays, window) => {
          const config = tiers({ downgradeGraceDays: graceDays, window });
          const history = events.map((e) => ({
            at: new Date(start + e.hour * HOUR),
            spendMinor: e.spend,
            points: 0,
            orders: 1,
          }));
          const at = new Date(start + atHour * HOUR);
          const prior = history.filter((e) => e.at < at);
          let best = -1;
          for (let h = atHour - graceDays * 24; h <= atHour; h++) {
            const value = qualifyingValue(prior, config, new Date(start + h * HOUR));
            best = Math.max(
              best,
              config.levels.findLastIndex((l) => l.threshold <= value),
            );
          }
          expect(tierHeldAt(history, config, at)).toBe(best < 0 ? null : config.levels[best]!.id);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("tierStanding", () => {
  const HOUR = 3_600_000;
  const start = Date.parse("2024-01-01T00:00:00Z");

  it("keeps the tier through the grace period from the refund's date, whenever it is evaluated", () => {
    const config = tiers({ window: "lifetime" });
    const history = [
      order("2025-01-01T00:00:00Z", 120_000),
      { at: new Date("2025-01-05T00:00:00Z"), spendMinor: -60_000, points: 0, orders: 0 },
    ];
    for (const at of ["2025-01-06T00:00:00Z", "2025-02-03T00:00:00Z"])
      expect(tierStanding(history, config, new Date(at), fresh)).toMatchObject({
        tierId: "gold",
        qualifiedTierId: "silver",
        belowSince: new Date("2025-01-05T00:00:00Z"),
        graceEndsAt: new Date("2025-02-04T00:00:00Z"),
      });
    expect(tierStanding(history, config, new Date("2025-02-04T00:00:00Z"), fresh)).toMatchObject({
      tierId: "silver",
      belowSince: null,
    });
  });

  it("holds a tier brought from another app until it lapses, then what the history qualifies for", () => {
    const config = tiers();
    const history = [order("2025-01-01T00:00:00Z", 30_000)];
    const floor = { tierId: "gold", until: new Date("2026-01-01T00:00:00Z") };
    const standing = (at: string, held = floor) =>
      tierStanding(history, config, new Date(at), { tierId: null, belowSince: null, floor: held });
    expect(standing("2025-06-01T00:00:00Z")).toMatchObject({
      tierId: "gold",
      qualifiedTierId: "silver",
      belowSince: null,
      change: "upgrade",
    });
    // Earned above the floor: the history decides.
    expect(standing("2025-06-01T00:00:00Z", { tierId: "bronze", until: floor.until }).tierId).toBe("silver");
    // After it lapses: what the history gives (silver in its grace, the order having left the year), then bronze.
    expect(standing("2026-01-02T00:00:00Z").tierId).toBe("silver");
    expect(standing("2026-03-01T00:00:00Z").tierId).toBe("bronze");
    // A floor naming a tier the program no longer has is ignored.
    expect(standing("2025-06-01T00:00:00Z", { tierId: "platinum", until: floor.until }).tierId).toBe(
      "silver",
    );
  });

  it("is the highest tier of the grace period, and the grace runs from the last hour it was qualified for", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            hour: fc.nat({ max: 2 * 365 * 24 }),
            spend: fc.integer({ min: -60_000, max: 80_000 }),
          }),
          { maxLength: 10 },
        ),
        fc.nat({ max: 2 * 365 * 24 }),
        fc.nat({ max: 60 }),
        fc.constantFrom<"lifetime" | "rolling12m" | "calendarYear">("lifetime", "rolling12m", "calendarYear"),
        (events, atHour, graceDays, window) => {
          const config = tiers({ downgradeGraceDays: graceDays, window });
          const history = events.map((e) => ({
            at: new Date(start + e.hour * HOUR),
            spendMinor: e.spend,
            points: 0,
            orders: 1,
          }));
          const rank = (h: number) =>
            config.levels.findLastIndex(
              (l) => l.threshold <= qualifyingValue(history, config, new Date(start + h * HOUR)),
            );
          const hours = Array.from({ length: graceDays * 24 + 1 }, (_, i) => atHour - graceDays * 24 + i);
          const held = Math.max(...hours.map(rank));
          const lastHeld = hours.findLast((h) => rank(h) >= held)!;
          const standing = tierStanding(history, config, new Date(start + atHour * HOUR));
          expect(standing.tierId).toBe(held < 0 ? null : config.levels[held]!.id);
          expect(standing.belowSince).toEqual(
            lastHeld === atHour ? null : new Date(start + (lastHeld + 1) * HOUR),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
