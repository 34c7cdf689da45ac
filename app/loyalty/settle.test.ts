import { describe, expect, it } from "vitest";
import { line, order, program } from "../../tests/support/loyalty-fixtures";
import { dueReleases, heldLots } from "./ledger-lots";
import { replayHistory } from "./replay";
import { settleOrder, type SettleInput } from "./settle";

const SHOP = "settle.myshopify.com";
const NOW = new Date("2025-09-01T00:00:00Z");
const prog = program({ earning: { pointsPerCurrencyUnit: 1, bonuses: { firstOrder: 50 }, pendingDays: 14 } });
const mp = { program: prog, version: prog.version, variants: [] };

// $30M: 30,000,000 points at 1 point per dollar (issue 11 #7).
const whale = order({
  id: "9001",
  placedAt: new Date("2025-08-30T00:00:00Z"),
  lines: [line({ id: "l", unitPriceMinor: 3_000_000_000 })],
});

function input(overrides: Partial<SettleInput> = {}): SettleInput {
  return {
    shop: SHOP,
    customerId: "7",
    mp,
    order: {
      id: whale.id,
      placedAt: whale.placedAt,
      earns: true,
      cancelledAt: null,
      cancelReason: null,
      refunds: [],
      earning: whale,
    },
    mayEarn: true,
    correct: false,
    history: [],
    previousOrderCount: 0,
    entries: [],
    firstOrderBonus: [],
    available: 0,
    now: NOW,
    ...overrides,
  };
}

describe("settleOrder", () => {
  it("holds an order over the program's sanity bound for review: pending, with no release date", () => {
    const { entries } = settleOrder(input());
    expect(entries.map((e) => [e.kind, e.points, e.bucket, e.availableAt])).toEqual([
      ["earn", 30_000_000, "pending", null],
      ["bonus", 50, "pending", null],
    ]);
    expect(entries[0]!.details).toMatchObject({ review: { heldAbove: 100_000 } });
    expect(dueReleases(entries, new Date("2030-01-01T00:00:00Z"))).toEqual([]);
    expect(heldLots(entries).map((l) => l.points)).toEqual([30_000_000, 50]);
  });

  it("decides the same on the backfill replay as on the live paths", () => {
    const live = settleOrder(input()).entries.map(({ cause: _cause, ...e }) => e);
    const replayed = replayHistory({
      shop: SHOP,
      customerId: "7",
      program: prog,
      active: true,
      historyEarnsPoints: true,
      orders: [
        {
          order: whale,
          earns: true,
          spendMinor: 3_000_000_000,
          cancelledAt: null,
          cancelReason: null,
          refunds: [],
        },
      ],
      now: NOW,
    });
    expect(replayed.entries).toEqual(live);
  });

  it("credits orders under the bound as before, and stamps the member's variants", () => {
    const small = order({
      id: "9002",
      placedAt: whale.placedAt,
      lines: [line({ id: "l", unitPriceMinor: 5_000 })],
    });
    const { entries } = settleOrder(
      input({
        mp: { ...mp, variants: ["exp-1:b"] },
        order: { ...input().order, id: small.id, earning: small },
      }),
    );
    expect(entries.map((e) => [e.kind, e.points, e.bucket, e.availableAt, e.experimentVariants])).toEqual([
      ["earn", 50, "pending", new Date("2025-09-13T00:00:00Z"), ["exp-1:b"]],
      ["bonus", 50, "pending", new Date("2025-09-13T00:00:00Z"), ["exp-1:b"]],
    ]);
  });
});
