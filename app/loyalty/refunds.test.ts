import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pointsForOrder } from "./earning";
import { line, NOW, order, program } from "../../tests/support/loyalty-fixtures";
import {
  debitUnderPolicy,
  pointsReversedAt,
  refundReversal,
  remainingToReverse,
  type EarnedOrder,
  type RefundedAmounts,
} from "./refunds";

const member = { tierId: null, previousOrderCount: 2 };

/** Orders earned under a program with multipliers and awkward rates, so shares never divide evenly. */
const arbEarned = fc
  .array(
    fc.record({
      price: fc.integer({ min: 1, max: 50_000 }),
      qty: fc.integer({ min: 1, max: 5 }),
      tag: fc.constantFrom("x3", "plain"),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((rows): EarnedOrder => {
    const p = program({
      earning: {
        pointsPerCurrencyUnit: 1.3,
        rounding: "round",
        includeShipping: true,
        multipliers: [{ target: "tag", value: "x3", multiplier: 3 }],
      },
    });
    const lines = rows.map((r, i) =>
      line({ id: `l${i}`, unitPriceMinor: r.price, quantity: r.qty, tags: [r.tag] }),
    );
    return pointsForOrder(order({ lines, shippingMinor: 799 }), member, p, NOW);
  });

/** Splits every component's amount into up to `parts` refunds, then shuffles them. */
const arbFullRefundSequence = arbEarned.chain((earned) =>
  fc
    .tuple(
      ...earned.components.map((c) =>
        fc.array(fc.integer({ min: 0, max: c.amountMinor }), { maxLength: 3 }).map((cuts) => ({ c, cuts })),
      ),
    )
    .chain((splits) => {
      const refunds: RefundedAmounts[] = [];
      for (const { c, cuts } of splits) {
        const points = [0, ...cuts.sort((a, b) => a - b), c.amountMinor];
        for (let i = 1; i < points.length; i++) refunds.push({ [c.key]: points[i]! - points[i - 1]! });
      }
      return fc.shuffledSubarray(refunds, { minLength: refunds.length });
    })
    .map((refunds) => ({ earned, refunds })),
);

function process(earned: EarnedOrder, refunds: RefundedAmounts[], cancelAt = -1) {
  let refunded: RefundedAmounts = {};
  let reversed = 0;
  const steps: number[] = [];
  refunds.forEach((refund, i) => {
    if (i === cancelAt) reversed += remainingToReverse(earned.orderPoints, reversed);
    const r = refundReversal(earned, refunded, refund, reversed);
    refunded = r.refundedAfter;
    reversed += r.points;
    steps.push(reversed);
  });
  if (cancelAt >= refunds.length) reversed += remainingToReverse(earned.orderPoints, reversed);
  return { reversed, steps, refunded };
}

describe("refund reversal", () => {
  it("reverses in proportion to the points each refunded line earned", () => {
    const p = program({ earning: { multipliers: [{ target: "tag", value: "x3", multiplier: 3 }] } });
    const earned = pointsForOrder(
      order({
        lines: [
          line({ id: "a", unitPriceMinor: 10_000, tags: ["x3"] }),
          line({ id: "b", unitPriceMinor: 10_000 }),
        ],
      }),
      member,
      p,
      NOW,
    );
    expect(earned.orderPoints).toBe(400);
    expect(refundReversal(earned, {}, { "line:a": 5000 }, 0)).toMatchObject({
      points: 150,
      fullyRefunded: false,
      reason: "reversed",
    });
    expect(refundReversal(earned, {}, { "line:b": 10_000 }, 0)).toMatchObject({
      points: 100,
      reason: "reversed",
    });
    expect(refundReversal(earned, {}, { "line:gift-card": 5000 }, 0)).toMatchObject({
      points: 0,
      reason: "noEarningAmountRefunded",
    });
  });

  it("partial refunds that add up to the whole order reverse exactly the points earned, in any order", () => {
    fc.assert(
      fc.property(arbFullRefundSequence, ({ earned, refunds }) => {
        const { reversed, steps, refunded } = process(earned, refunds);
        expect(reversed).toBe(earned.orderPoints);
        // Never ahead of the proportional share at any point along the way.
        let share: RefundedAmounts = {};
        refunds.forEach((refund, i) => {
          share = Object.fromEntries(
            Object.keys({ ...share, ...refund }).map((k) => [k, (share[k] ?? 0) + (refund[k] ?? 0)]),
          );
          expect(steps[i]).toBe(pointsReversedAt(earned, share));
        });
        expect(refundReversal(earned, refunded, {}, reversed).fullyRefunded).toBe(true);
      }),
    );
  });

  it("never reverses more than the proportional share of the exact points", () => {
    fc.assert(
      fc.property(arbEarned, fc.array(fc.double({ min: 0, max: 1, noNaN: true })), (earned, fractions) => {
        const refunded = Object.fromEntries(
          earned.components.map((c, i) => [c.key, Math.floor(c.amountMinor * (fractions[i] ?? 0))]),
        );
        const total = earned.components.reduce((s, c) => s + c.exactPoints, 0);
        const share = earned.components.reduce(
          (s, c) => s + (c.exactPoints * refunded[c.key]!) / c.amountMinor,
          0,
        );
        expect(pointsReversedAt(earned, refunded)).toBeLessThanOrEqual(
          earned.orderPoints * (share / total) + 1e-6,
        );
      }),
    );
  });

  it("converges to the points earned when the cancellation arrives before, between or after the refunds", () => {
    fc.assert(
      fc.property(arbFullRefundSequence, fc.nat(), ({ earned, refunds }, at) => {
        const partial = refunds.slice(0, Math.max(1, refunds.length - 1));
        expect(process(earned, partial, at % (partial.length + 1)).reversed).toBe(earned.orderPoints);
      }),
    );
  });

  it("reports an order that earned nothing", () => {
    expect(refundReversal({ orderPoints: 0, components: [] }, {}, { "line:a": 100 }, 0)).toMatchObject({
      points: 0,
      reason: "nothingEarned",
    });
  });
});

describe("debitUnderPolicy", () => {
  it.each([
    ["pending points are always taken", 80, "pending", 0, "clampAtZero", { debit: 80, writtenOff: 0 }],
    ["allow takes the balance below zero", 80, "available", 30, "allow", { debit: 80, writtenOff: 0 }],
    ["clamp takes what is there", 80, "available", 30, "clampAtZero", { debit: 30, writtenOff: 50 }],
    [
      "clamp on an already negative balance takes nothing",
      80,
      "available",
      -20,
      "clampAtZero",
      { debit: 0, writtenOff: 80 },
    ],
    ["clamp with enough points takes all", 80, "available", 500, "clampAtZero", { debit: 80, writtenOff: 0 }],
  ] as const)("%s", (_, points, bucket, available, policy, expected) => {
    expect(debitUnderPolicy(points, bucket, available, policy)).toEqual(expected);
  });
});
