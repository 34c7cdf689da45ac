import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { at, entry } from "../../tests/support/loyalty-fixtures";
import { balancesFromLedger, entryProblem, type LedgerEntry, type LedgerKind } from "./ledger";
import { earnKey, refundReversalKey, releaseKey } from "./ledger-keys";
import { availableLots, dueReleases, lotState } from "./ledger-lots";

/** A plausible ledger: each generated entry gets its own key, kinds carry their sign and bucket rules. */
const arbLedger = fc
  .array(
    fc.record({
      kind: fc.constantFrom<LedgerKind>(
        "earn",
        "bonus",
        "release",
        "redeem",
        "redemptionReturn",
        "refundReversal",
        "cancellationReversal",
        "expiry",
        "adjustment",
      ),
      points: fc.integer({ min: 0, max: 5_000 }),
      day: fc.integer({ min: 0, max: 400 }),
      pending: fc.boolean(),
      negative: fc.boolean(),
    }),
    { maxLength: 40 },
  )
  .map((rows) =>
    rows.map((r, i): LedgerEntry => {
      const debit =
        ["redeem", "refundReversal", "cancellationReversal", "expiry"].includes(r.kind) ||
        (r.kind === "adjustment" && r.negative);
      const pendingOk = ["earn", "bonus", "refundReversal", "cancellationReversal"].includes(r.kind);
      return entry(`shop:${r.kind}:${i}`, r.kind, debit ? -r.points : r.points, r.day, {
        bucket: pendingOk && r.pending ? "pending" : "available",
        lotKey: r.kind === "release" || r.kind.endsWith("Reversal") ? `shop:earn:${i % 5}` : null,
        staffId: r.kind === "adjustment" ? "staff-1" : null,
        reason: r.kind === "adjustment" ? "Goodwill" : null,
      });
    }),
  );

describe("balancesFromLedger", () => {
  it("derives every balance from the entries", () => {
    const o1 = earnKey("s", "1");
    const entries = [
      entry(o1, "earn", 200, 0, { bucket: "pending", availableAt: at(30) }),
      entry(refundReversalKey("s", "1", "r1"), "refundReversal", -50, 5, { bucket: "pending", lotKey: o1 }),
      entry(releaseKey(o1), "release", 150, 30, { lotKey: o1 }),
      entry("s:bonus", "bonus", 100, 1),
      entry("s:redeem", "redeem", -120, 40),
      entry("s:expiry", "expiry", -10, 50),
    ];
    expect(balancesFromLedger(entries, at(60))).toEqual({
      available: 120,
      pending: 0,
      lifetimeEarned: 250,
      redeemed: 120,
      expired: 10,
      conflicts: [],
    });
    expect(balancesFromLedger(entries, at(10))).toMatchObject({
      available: 100,
      pending: 150,
      lifetimeEarned: 250,
      redeemed: 0,
    });
  });

  it("gives identical balances for any permutation and duplication of the same entries", () => {
    const arbReplay = arbLedger.chain((ledger) =>
      fc
        .subarray(ledger)
        .chain((duplicates) => {
          const all = [...ledger, ...duplicates, ...duplicates];
          return fc.shuffledSubarray(all, { minLength: all.length });
        })
        .map((replayed) => ({ ledger, replayed })),
    );
    fc.assert(
      fc.property(arbReplay, fc.integer({ min: 0, max: 400 }), ({ ledger, replayed }, day) => {
        expect(balancesFromLedger(replayed, at(day))).toEqual(balancesFromLedger(ledger, at(day)));
        expect(availableLots(replayed, at(day))).toEqual(availableLots(ledger, at(day)));
        expect(dueReleases(replayed, at(day))).toEqual(dueReleases(ledger, at(day)));
      }),
    );
  });

  it("keeps the books balanced: available + pending = earned − redeemed − expired = FIFO lots − deficit", () => {
    fc.assert(
      fc.property(arbLedger, fc.integer({ min: 0, max: 400 }), (ledger, day) => {
        const b = balancesFromLedger(ledger, at(day));
        expect(b.available + b.pending).toBe(b.lifetimeEarned - b.redeemed - b.expired);
        const { lots, deficit } = availableLots(ledger, at(day));
        expect(lots.reduce((s, l) => s + l.remaining, 0) - deficit).toBe(b.available);
      }),
    );
  });

  it("reports a key recorded with two different effects, choosing the same copy in any order", () => {
    const a = entry("s:k", "bonus", 10, 1);
    const b = entry("s:k", "bonus", 20, 1);
    expect(balancesFromLedger([a, b], at(2))).toEqual(balancesFromLedger([b, a], at(2)));
    expect(balancesFromLedger([a, b], at(2)).conflicts).toEqual(["s:k"]);
  });
});

describe("entryProblem", () => {
  it.each([
    [entry("k", "earn", 1.5, 0), "notWholePoints"],
    [entry("k", "redeem", 10, 0), "wrongSign"],
    [entry("k", "earn", -10, 0), "wrongSign"],
    [entry("k", "redeem", -10, 0, { bucket: "pending" }), "wrongBucket"],
    [entry("k", "refundReversal", -10, 0), "missingLot"],
    [entry("k", "adjustment", 10, 0, { staffId: "s1", reason: "  " }), "missingStaffOrReason"],
    [entry("k", "adjustment", -10, 0, { staffId: "s1", reason: "Duplicate account" }), null],
  ])("%#: %s", (e, problem) => {
    expect(entryProblem(e)).toBe(problem);
  });
});

describe("pending lots", () => {
  const lot = earnKey("s", "9");
  const earned = entry(lot, "earn", 300, 0, { bucket: "pending", availableAt: at(30) });

  it("releases a lot once its window passes, net of reversals made while pending", () => {
    const reversal = entry("s:rev", "refundReversal", -100, 3, { bucket: "pending", lotKey: lot });
    expect(dueReleases([earned, reversal], at(29))).toEqual([]);
    expect(dueReleases([earned, reversal], at(30))).toEqual([{ lotKey: lot, points: 200 }]);
    expect(lotState([earned, reversal], lot)).toMatchObject({
      released: false,
      credited: 300,
      reversed: 100,
      reversalBucket: "pending",
    });
    const release = entry(releaseKey(lot), "release", 200, 30, { lotKey: lot });
    expect(dueReleases([earned, reversal, release], at(40))).toEqual([]);
    expect(lotState([earned, reversal, release], lot).reversalBucket).toBe("available");
  });

  it("takes a reversal from its own lot before the oldest points", () => {
    const older = entry("s:old", "bonus", 100, 0);
    const mine = entry("s:mine", "earn", 100, 1);
    const rev = entry("s:rev", "refundReversal", -60, 2, { lotKey: "s:mine" });
    expect(availableLots([older, mine, rev], at(3)).lots.map((l) => [l.lotKey, l.remaining])).toEqual([
      ["s:old", 100],
      ["s:mine", 40],
    ]);
  });

  it("repays a negative balance from the next credits before they form a lot", () => {
    const lots = availableLots(
      [entry("a", "bonus", 50, 0), entry("b", "redeem", -80, 1), entry("c", "bonus", 100, 2)],
      at(3),
    );
    expect(lots).toEqual({ lots: [{ lotKey: "c", availableSince: at(2), remaining: 70 }], deficit: 0 });
  });
});
