import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EarningComponent, EarningResult } from "./earning";
import type { LedgerEntry } from "./ledger";
import { dueReleases, lotState } from "./ledger-lots";
import { bonusMoveOut, earnCorrection, effectiveEarn, type LedgerRow } from "./placement";
import { refundReversal } from "./refunds";

const LOT = "s:order:1:earn";
const at = new Date("2025-10-01T12:00:00Z");

/** An order of lines earning `rate × multiplier` points per minor unit, floored once. */
function earning(amounts: number[], multiplier: number): EarningResult {
  const components: EarningComponent[] = amounts.map((amountMinor, i) => ({
    key: `line:${i}`,
    amountMinor,
    exactPoints: (amountMinor / 100) * multiplier,
  }));
  const orderPoints = Math.floor(components.reduce((sum, c) => sum + c.exactPoints, 0));
  return {
    points: orderPoints,
    orderPoints,
    bonuses: [],
    components,
    breakdown: components.map((c, i) => ({ kind: "line", lineId: String(i), productMultiplier: 1, ...c })),
    availableAt: at,
    pending: true,
    reason: "earned",
  };
}

const earnRow = (result: EarningResult, tierId: string | null): LedgerRow => ({
  entry: {
    key: LOT,
    kind: "earn",
    points: result.orderPoints,
    bucket: "pending",
    occurredAt: at,
    programVersion: 1,
  },
  details: { breakdown: result.breakdown, tierId },
});

/** Reverses one refund against the lot as it stands, as settleOrder does. */
function refund(rows: LedgerRow[], id: number, amounts: Record<string, number>, cancel = false) {
  const earned = effectiveEarn(rows, LOT)!;
  const lot = lotState(
    rows.map((r) => r.entry),
    LOT,
  );
  const points = cancel
    ? lot.credited - lot.reversed
    : refundReversal(earned, earned.refunded, amounts, earned.alreadyReversed).points;
  const entry: LedgerEntry = {
    key: `${LOT}:${cancel ? "cancel" : `refund:${id}`}`,
    kind: cancel ? "cancellationReversal" : "refundReversal",
    points: -points,
    bucket: "pending",
    lotKey: LOT,
    occurredAt: at,
    programVersion: 1,
  };
  rows.push({ entry, details: cancel ? {} : { refunded: amounts } });
}

const balance = (rows: LedgerRow[]) => rows.reduce((sum, r) => sum + r.entry.points, 0);

describe("earnCorrection", () => {
  it("leaves the lot as in-order delivery would, before and after any refunds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(1, 1.5, 2, 3),
        fc.constantFrom(1, 1.25, 2, 2.5),
        fc.array(fc.record({ line: fc.nat({ max: 3 }), share: fc.double({ min: 0, max: 1, noNaN: true }) }), {
          maxLength: 4,
        }),
        fc.nat({ max: 4 }),
        fc.boolean(),
        (amounts, was, is, refundSpecs, correctedAfter, cancelled) => {
          const refunds = refundSpecs
            .filter((r) => r.line < amounts.length)
            .map((r) => ({ [`line:${r.line}`]: Math.floor(amounts[r.line]! * r.share) }));
          const truth = earning(amounts, is);
          // In order: earned under the right tier from the start.
          const inOrder = [earnRow(truth, "gold")];
          refunds.forEach((r, i) => refund(inOrder, i, r));
          if (cancelled) refund(inOrder, 0, {}, true);
          // Out of order: earned under the wrong tier, corrected after some of the refunds.
          const late = [earnRow(earning(amounts, was), "silver")];
          const split = Math.min(correctedAfter, refunds.length);
          refunds.slice(0, split).forEach((r, i) => refund(late, i, r));
          const toGold = () =>
            earnCorrection({
              rows: late,
              lotKey: LOT,
              recomputed: truth,
              tierId: "gold",
              available: 0,
              policy: "allow",
            });
          const correction = toGold();
          // Null only when the other tier changes nothing.
          if (correction) late.push({ entry: correction, details: correction.details });
          else expect(earning(amounts, was).orderPoints).toBe(truth.orderPoints);
          refunds.slice(split).forEach((r, i) => refund(late, split + i, r));
          if (cancelled) refund(late, 0, {}, true);

          expect(balance(late)).toBe(balance(inOrder));
          const remaining = (rows: LedgerRow[]) => {
            const lot = lotState(
              rows.map((r) => r.entry),
              LOT,
            );
            return lot.credited - lot.reversed;
          };
          expect(remaining(late)).toBe(remaining(inOrder));
          // Already under the right tier: nothing more to correct.
          expect(toGold()).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("takes back at most the available balance under clamp-at-zero, and counts the rest as written off", () => {
    const rows: LedgerRow[] = [
      {
        entry: {
          key: LOT,
          kind: "earn",
          points: 200,
          bucket: "available",
          occurredAt: at,
          programVersion: 1,
        },
        details: { components: [{ key: "line:0", amountMinor: 10_000, exactPoints: 200 }], tierId: "gold" },
      },
    ];
    const correction = earnCorrection({
      rows,
      lotKey: LOT,
      recomputed: earning([10_000], 1),
      tierId: null,
      available: 30,
      policy: "clampAtZero",
    })!;
    expect(correction).toMatchObject({
      kind: "correction",
      points: -30,
      writtenOff: 70,
      bucket: "available",
    });
    const lot = lotState([...rows.map((r) => r.entry), correction], LOT);
    expect(lot.credited - lot.reversed).toBe(100);
  });
});

describe("a corrected lot", () => {
  it("is released with its corrections when its return window ends", () => {
    const earn: LedgerEntry = {
      key: LOT,
      kind: "earn",
      points: 100,
      bucket: "pending",
      availableAt: new Date("2025-10-31T12:00:00Z"),
      occurredAt: at,
      programVersion: 1,
    };
    const correction: LedgerEntry = {
      key: `${LOT}:correction:1`,
      kind: "correction",
      points: 50,
      bucket: "pending",
      lotKey: LOT,
      occurredAt: at,
      programVersion: 1,
    };
    expect(dueReleases([earn, correction], new Date("2025-11-01T00:00:00Z"))).toEqual([
      { lotKey: LOT, points: 150 },
    ]);
  });
});

describe("bonusMoveOut", () => {
  const BONUS = "s:customer:7:bonus:first-order";
  const bonus: LedgerRow = {
    entry: { key: BONUS, kind: "bonus", points: 25, bucket: "pending", occurredAt: at, programVersion: 1 },
    details: { cause: "firstOrder", points: 25 },
  };

  it("empties what is left of the bonus lot, so a later cancellation of its order takes nothing", () => {
    const out = bonusMoveOut([bonus], BONUS, 0, "allow");
    expect(out).toMatchObject({ key: `${BONUS}:moved`, kind: "correction", points: -25, lotKey: BONUS });
    const lot = lotState([bonus.entry, out], BONUS);
    expect(lot.credited - lot.reversed).toBe(0);
  });

  it("moves nothing out of a bonus a cancellation already took back", () => {
    const reversed: LedgerRow = {
      entry: {
        key: `${BONUS}:reverse`,
        kind: "cancellationReversal",
        points: -25,
        bucket: "pending",
        lotKey: BONUS,
        occurredAt: at,
        programVersion: 1,
      },
      details: null,
    };
    expect(bonusMoveOut([bonus, reversed], BONUS, 0, "allow").points).toBe(0);
  });
});
