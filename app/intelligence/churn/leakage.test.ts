import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type { LedgerEntry } from "../../loyalty/ledger";
import { buildDataset, churnFeatures, type ChurnCustomer } from "./features";

// No feature may see past its cutoff: a customer's features as of a cutoff are the same
// whatever happens after it (the orders, refunds, ledger, tier moves, reviews and engagement
// after the cutoff are replaced by arbitrary others). Only the label looks ahead.

const DAY_MS = 86_400_000;
const CUTOFF = 400;

const day = fc.double({ min: 0, max: 2 * CUTOFF, noNaN: true });
const orders = fc.array(fc.record({ day, amount: fc.double({ min: 1, max: 500, noNaN: true }) }), {
  minLength: 1,
  maxLength: 12,
});
const customer = fc.record({
  orders,
  refunds: fc.array(fc.record({ day, amount: fc.double({ min: 0, max: 100, noNaN: true }) }), {
    maxLength: 3,
  }),
  loyalty: fc.array(
    fc.record({ day, balance: fc.integer({ min: -50, max: 5_000 }), redemptions: fc.nat(20) }),
    { maxLength: 8 },
  ),
  tierChanges: fc.array(fc.record({ day, direction: fc.constantFrom(1 as const, -1 as const) }), {
    maxLength: 4,
  }),
  ledger: fc.array(fc.record({ day, points: fc.integer({ min: -300, max: 600 }).filter((p) => p !== 0) }), {
    maxLength: 10,
  }),
  reviews: fc.array(
    fc.record({
      day,
      sentiment: fc.option(fc.double({ min: -1, max: 1, noNaN: true })),
      rating: fc.integer({ min: 1, max: 5 }),
    }),
    { maxLength: 4 },
  ),
  engagement: fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: 2 * CUTOFF }),
      sends: fc.nat(3),
      opens: fc.nat(3),
      clicks: fc.nat(2),
    }),
    { maxLength: 20 },
  ),
});
type Generated = typeof customer extends fc.Arbitrary<infer T> ? T : never;

function asChurnCustomer(id: string, g: Generated): ChurnCustomer {
  const ledger: LedgerEntry[] = g.ledger.map((e, i) => ({
    key: `${id}:${i}`,
    kind: e.points > 0 ? "earn" : "redeem",
    points: e.points,
    bucket: "available",
    occurredAt: new Date(e.day * DAY_MS),
    programVersion: 1,
  }));
  return {
    id,
    orders: g.orders,
    refunds: g.refunds,
    loyalty: g.loyalty,
    tierChanges: g.tierChanges,
    points: { ledger, expiry: { policy: "fixedAge", days: 60, noticeDays: 30 } },
    reviews: g.reviews,
    engagement: g.engagement,
  };
}

/** `a` up to the cutoff, `b` after it, in every list. */
function spliced(a: Generated, b: Generated): Generated {
  const keep = <T extends { day: number }>(x: readonly T[], y: readonly T[]) => [
    ...x.filter((e) => e.day < CUTOFF),
    ...y.filter((e) => e.day >= CUTOFF),
  ];
  return {
    orders: keep(a.orders, b.orders),
    refunds: keep(a.refunds, b.refunds),
    loyalty: keep(a.loyalty, b.loyalty),
    tierChanges: keep(a.tierChanges, b.tierChanges),
    ledger: keep(a.ledger, b.ledger),
    reviews: keep(a.reviews, b.reviews),
    engagement: keep(a.engagement, b.engagement),
  };
}

describe("churn features do not see past their cutoff", () => {
  it("the same history up to the cutoff gives the same features, whatever follows", () => {
    fc.assert(
      fc.property(customer, customer, (a, b) => {
        const mixed = spliced(a, b);
        const x = churnFeatures(asChurnCustomer("1", a), CUTOFF, 30, undefined);
        const y = churnFeatures(asChurnCustomer("1", mixed), CUTOFF, 30, undefined);
        expect(y).toEqual(x);
      }),
      { numRuns: 300 },
    );
  });

  it("a whole dataset's features (BG/NBD and the median gap included) ignore the future", () => {
    const sample = fc.sample(fc.tuple(customer, customer), { numRuns: 120, seed: 15 });
    const past = sample.map(([a], i) => asChurnCustomer(String(i), a));
    const future = sample.map(([a, b], i) => asChurnCustomer(String(i), spliced(a, b)));
    expect(buildDataset(future, CUTOFF, 90).X).toEqual(buildDataset(past, CUTOFF, 90).X);
  });
});
