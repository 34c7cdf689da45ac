import { describe, expect, it } from "vitest";
import { line, order, program } from "../../tests/support/loyalty-fixtures";
import { balancesFromLedger } from "./ledger";
import { replayHistory, type ReplayInput, type ReplayOrder } from "./replay";

const SHOP = "replay.myshopify.com";
const NOW = new Date("2025-09-01T00:00:00Z");

const prog = program({
  earning: { pointsPerCurrencyUnit: 1, bonuses: { firstOrder: 50 }, pendingDays: 14 },
  tiers: {
    basis: "spend",
    window: "lifetime",
    levels: [{ id: "gold", name: "Gold", threshold: 20_000, benefits: { earnMultiplier: 2 } }],
  },
});

function history(id: string, day: string, priceMinor: number, extra: Partial<ReplayOrder> = {}): ReplayOrder {
  return {
    order: order({
      id,
      placedAt: new Date(day),
      lines: [line({ id: `${id}-l`, unitPriceMinor: priceMinor })],
    }),
    earns: true,
    spendMinor: priceMinor,
    cancelledAt: null,
    cancelReason: null,
    refunds: [],
    ...extra,
  };
}

function input(orders: ReplayOrder[], overrides: Partial<ReplayInput> = {}): ReplayInput {
  return {
    shop: SHOP,
    customerId: "7",
    program: prog,
    active: true,
    historyEarnsPoints: true,
    orders,
    now: NOW,
    ...overrides,
  };
}

describe("replayHistory", () => {
  it("earns each order with the tier held when it was placed and the first-order bonus once", () => {
    const result = replayHistory(
      input([
        // Given out of order: the replay sorts by placement.
        history("1003", "2025-03-01T00:00:00Z", 5_000),
        history("1001", "2025-01-01T00:00:00Z", 25_000),
        history("1002", "2025-02-01T00:00:00Z", 1_000),
      ]),
    );
    expect(result.entries.map((e) => [e.key, e.kind, e.points, e.bucket, e.orderId])).toEqual([
      [`${SHOP}:order:1001:earn`, "earn", 250, "available", "1001"],
      [`${SHOP}:customer:7:bonus:first-order`, "bonus", 50, "available", "1001"],
      // Gold from the first order's 250.00 spend on: 2×.
      [`${SHOP}:order:1002:earn`, "earn", 20, "available", "1002"],
      [`${SHOP}:order:1003:earn`, "earn", 100, "available", "1003"],
    ]);
    expect(result.entries[0]!.occurredAt).toEqual(new Date("2025-01-01T00:00:00Z"));
    expect(result.entries[0]!.details).toMatchObject({
      breakdown: [
        { kind: "line", lineId: "1001-l", amountMinor: 25_000, exactPoints: 250 },
        { kind: "rounding" },
        { kind: "bonus", cause: "firstOrder", points: 50 },
      ],
      tierId: null,
    });
    expect(result.ordersEarned).toBe(3);
    expect(result.balances).toMatchObject({ available: 420, pending: 0, lifetimeEarned: 420 });
    expect(result.tier).toMatchObject({ tierId: "gold", value: 31_000 });
    expect(result.lastActivityAt).toEqual(new Date("2025-03-01T00:00:00Z"));
  });

  it("keeps a recent order pending until its return window ends", () => {
    const [earn] = replayHistory(input([history("2001", "2025-08-25T00:00:00Z", 1_000)])).entries;
    expect(earn).toMatchObject({ bucket: "pending", availableAt: new Date("2025-09-08T00:00:00Z") });
  });

  it("reverses refunds in proportion, the bonus on a full refund, and what is left on cancellation", () => {
    const partial = history("3001", "2025-01-01T00:00:00Z", 10_000, {
      refunds: [
        {
          id: "91",
          at: new Date("2025-01-10T00:00:00Z"),
          amounts: { "line:3001-l": 2_500 },
          spendMinor: 2_500,
        },
      ],
      cancelledAt: new Date("2025-01-12T00:00:00Z"),
      cancelReason: "customer",
    });
    const full = history("3002", "2025-02-01T00:00:00Z", 4_000, {
      refunds: [
        {
          id: "93",
          at: new Date("2025-02-20T00:00:00Z"),
          amounts: { "line:3002-l": 3_000 },
          spendMinor: 3_000,
        },
        {
          id: "92",
          at: new Date("2025-02-10T00:00:00Z"),
          amounts: { "line:3002-l": 1_000 },
          spendMinor: 1_000,
        },
      ],
    });
    const result = replayHistory(input([partial, full]));
    expect(result.entries.map((e) => [e.key, e.kind, e.points, e.lotKey ?? null])).toEqual([
      [`${SHOP}:order:3001:earn`, "earn", 100, null],
      [`${SHOP}:customer:7:bonus:first-order`, "bonus", 50, null],
      [`${SHOP}:order:3001:refund:91:reverse`, "refundReversal", -25, `${SHOP}:order:3001:earn`],
      [`${SHOP}:order:3001:cancel:reverse`, "cancellationReversal", -75, `${SHOP}:order:3001:earn`],
      [
        `${SHOP}:customer:7:bonus:first-order:reverse`,
        "cancellationReversal",
        -50,
        `${SHOP}:customer:7:bonus:first-order`,
      ],
      [`${SHOP}:order:3002:earn`, "earn", 40, null],
      [`${SHOP}:order:3002:refund:92:reverse`, "refundReversal", -10, `${SHOP}:order:3002:earn`],
      [`${SHOP}:order:3002:refund:93:reverse`, "refundReversal", -30, `${SHOP}:order:3002:earn`],
    ]);
    expect(result.entries[6]!.details).toEqual({
      refundId: "92",
      refunded: { "line:3002-l": 1_000 },
      reason: "reversed",
    });
    // The cancelled first order still earned: the second is not a "first order".
    expect(result.ordersEarned).toBe(2);
    expect(result.balances.available).toBe(0);
  });

  it("writes nothing when history does not earn, but still places the member in their tier", () => {
    const result = replayHistory(
      input([history("4001", "2025-01-01T00:00:00Z", 30_000)], { historyEarnsPoints: false }),
    );
    expect(result.entries).toEqual([]);
    expect(result.balances).toMatchObject({ available: 0, pending: 0, lifetimeEarned: 0 });
    expect(result.tier.tierId).toBe("gold");
  });

  it("credits nothing to an inactive member and skips orders that do not earn (unpaid, test)", () => {
    const orders = [history("5001", "2025-01-01T00:00:00Z", 1_000)];
    expect(replayHistory(input(orders, { active: false })).entries).toEqual([]);
    expect(replayHistory(input([{ ...orders[0]!, earns: false }])).entries).toEqual([]);
  });

  it("adds nothing when replayed over its own entries, and takes live entries as they are", () => {
    const orders = [
      history("6001", "2025-01-01T00:00:00Z", 10_000, {
        refunds: [
          {
            id: "95",
            at: new Date("2025-01-05T00:00:00Z"),
            amounts: { "line:6001-l": 5_000 },
            spendMinor: 5_000,
          },
        ],
      }),
      history("6002", "2025-02-01T00:00:00Z", 2_000),
    ];
    const first = replayHistory(input(orders));
    const again = replayHistory(input(orders, { existing: first.entries }));
    expect(again.entries).toEqual([]);
    expect(again.balances).toEqual(first.balances);
    expect(again.ordersEarned).toBe(first.ordersEarned);

    // A live webhook credited 6002 first (say under an older program that gave 30 points):
    // the replay keeps that entry and counts it as an order that earned.
    const live = { ...first.entries.find((e) => e.key === `${SHOP}:order:6002:earn`)!, points: 30 };
    const withLive = replayHistory(input(orders, { existing: [live] }));
    expect(withLive.entries.map((e) => e.key)).not.toContain(`${SHOP}:order:6002:earn`);
    expect(withLive.ordersEarned).toBe(2);
    expect(withLive.balances.available).toBe(balancesFromLedger([live, ...withLive.entries], NOW).available);
    expect(withLive.balances.available).toBe(100 + 50 - 50 + 30);
  });

  it("moves the first-order bonus and corrects the tier of a live order credited before its history", () => {
    const orders = [
      history("1001", "2025-01-01T00:00:00Z", 25_000),
      history("1002", "2025-02-01T00:00:00Z", 1_000),
    ];
    // The live webhook of 1002 came first: no tier yet, and it took the first-order bonus.
    const live = replayHistory(input([orders[1]!])).entries;
    expect(live.map((e) => [e.kind, e.points])).toEqual([
      ["earn", 10],
      ["bonus", 50],
    ]);
    const inOrder = replayHistory(input(orders));
    const after = replayHistory(input(orders, { existing: live }));
    expect(after.balances).toEqual(inOrder.balances);
    expect(after.entries.map((e) => [e.key, e.kind, e.points, e.orderId])).toEqual([
      [`${SHOP}:order:1001:earn`, "earn", 250, "1001"],
      [`${SHOP}:customer:7:bonus:first-order:order:1001`, "bonus", 50, "1001"],
      [`${SHOP}:customer:7:bonus:first-order:moved`, "correction", -50, "1002"],
      [`${SHOP}:order:1002:earn:correction:1`, "correction", 10, "1002"],
    ]);
    // Replayed again, nothing more moves.
    expect(replayHistory(input(orders, { existing: [...live, ...after.entries] })).entries).toEqual([]);
  });

  it("gives the signup bonus when history earns", () => {
    const withSignup = program({ earning: { bonuses: { signup: 200 } } });
    const result = replayHistory(input([], { program: withSignup }));
    expect(result.entries).toEqual([
      expect.objectContaining({ key: `${SHOP}:customer:7:bonus:signup`, points: 200, bucket: "available" }),
    ]);
  });

  it("credits each order under the program of its placement and hands held-out orders back for the shadow", () => {
    const double = program({ earning: { pointsPerCurrencyUnit: 2, pendingDays: 14 } });
    const launch = new Date("2025-03-01T00:00:00Z");
    const holdout = new Date("2025-05-01T00:00:00Z");
    const programAt = (at: Date) =>
      at < launch
        ? { program: prog, version: 1, variants: [] }
        : at < holdout
          ? { program: double, version: 1, variants: ["exp:double"] }
          : { program: prog, version: 1, variants: [], heldOut: true, heldOutSince: holdout };
    const result = replayHistory(
      input(
        [
          history("1001", "2025-02-01T00:00:00Z", 1_000),
          history("1002", "2025-04-01T00:00:00Z", 1_000),
          history("1003", "2025-06-01T00:00:00Z", 1_000),
        ],
        { program: program({ earning: { bonuses: { signup: 200 } } }), programAt },
      ),
    );
    const earns = result.entries.filter((e) => e.kind === "earn");
    expect(earns.map((e) => [e.orderId, e.points, e.experimentVariants ?? []])).toEqual([
      ["1001", 10, []],
      ["1002", 20, ["exp:double"]],
    ]);
    // Held out now: no signup bonus either.
    expect(result.entries.some((e) => e.key.endsWith(":bonus:signup"))).toBe(false);
    expect(
      result.heldOut.map((h) => [h.order.id, h.mp.heldOut, h.history.filter((q) => q.orders > 0).length]),
    ).toEqual([["1003", true, 2]]);
  });
});
