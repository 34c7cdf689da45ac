import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { at, entry as e } from "../../tests/support/loyalty-fixtures";
import { dueExpiries, expiryNotices, upcomingExpiries } from "./expiry";
import { balancesFromLedger, type LedgerEntry, type LedgerKind } from "./ledger";
import { expirySchema } from "./program";

const member = { shop: "s.myshopify.com", customerId: "7" };
const fixed = expirySchema.parse({ policy: "fixedAge", days: 90, noticeDays: 14 });
const inactive = expirySchema.parse({ policy: "inactivity", days: 60, noticeDays: 7 });

/** Appends the due expiries as the service would, so tests can check the resulting balances. */
function apply(ledger: LedgerEntry[], due: ReturnType<typeof dueExpiries>): LedgerEntry[] {
  return [
    ...ledger,
    ...due.map((d) => e(d.key, "expiry", -d.points, 0, { occurredAt: d.occurredAt, lotKey: d.lotKey })),
  ];
}

describe("fixed-age expiry", () => {
  const ledger = [e("a", "earn", 100, 0), e("b", "earn", 50, 10), e("r", "redeem", -120, 20)];

  it("expires what is left of each lot, oldest points spent first", () => {
    // The redemption took all 100 of lot a and 20 of lot b; 30 of b remain.
    expect(dueExpiries(ledger, fixed, member, at(95))).toEqual([]);
    expect(dueExpiries(ledger, fixed, member, at(100))).toEqual([
      { key: "s.myshopify.com:customer:7:expiry:lot:b", points: 30, occurredAt: at(100), lotKey: "b" },
    ]);
  });

  it("counts age from when pending points were released", () => {
    const pending = [
      e("o", "earn", 80, 0, { bucket: "pending", availableAt: at(30) }),
      e("o:release", "release", 80, 30, { lotKey: "o" }),
    ];
    expect(dueExpiries(pending, fixed, member, at(119))).toEqual([]);
    expect(dueExpiries(pending, fixed, member, at(120))).toMatchObject([
      { points: 80, lotKey: "o", occurredAt: at(120) },
    ]);
  });

  it("is idempotent: once written, nothing more is due", () => {
    const after = apply(ledger, dueExpiries(ledger, fixed, member, at(200)));
    expect(dueExpiries(after, fixed, member, at(300))).toEqual([]);
    expect(balancesFromLedger(after, at(300))).toMatchObject({ available: 0, expired: 30 });
  });

  it("run late, still expires what had lapsed, not what the member spent afterwards", () => {
    const late = [e("a", "earn", 100, 0), e("b", "earn", 100, 80), e("r", "redeem", -150, 120)];
    // At day 90 lot a (100) lapsed; the day-120 redemption then took 100 of lot b and left a deficit of 50.
    const due = dueExpiries(late, fixed, member, at(130));
    expect(due).toEqual([
      { key: "s.myshopify.com:customer:7:expiry:lot:a", points: 100, occurredAt: at(90), lotKey: "a" },
    ]);
  });
});

describe("inactivity expiry", () => {
  it("expires the whole available balance after the inactivity period, even if the member comes back later", () => {
    const ledger = [e("a", "earn", 100, 0), e("bonus", "bonus", 20, 30), e("b", "earn", 10, 100)];
    expect(dueExpiries(ledger, inactive, member, at(59))).toEqual([]);
    expect(dueExpiries(ledger, inactive, member, at(120))).toEqual([
      {
        key: `s.myshopify.com:customer:7:expiry:inactive-since:${at(0).toISOString()}`,
        points: 120,
        occurredAt: at(60),
        lotKey: null,
      },
    ]);
  });

  it("keeps points alive while the member keeps earning or redeeming", () => {
    const ledger = [e("a", "earn", 100, 0), e("r", "redeem", -10, 50), e("b", "earn", 10, 100)];
    expect(dueExpiries(ledger, inactive, member, at(150))).toEqual([]);
    expect(upcomingExpiries(ledger, inactive, at(150))).toEqual([{ expiresAt: at(160), points: 100 }]);
  });

  it("nothing expires under the none policy", () => {
    expect(
      dueExpiries([e("a", "earn", 100, 0)], expirySchema.parse({ policy: "none" }), member, at(5000)),
    ).toEqual([]);
  });
});

describe("advance notices", () => {
  it("announces each expiry day once, inside the notice window", () => {
    const ledger = [e("a", "earn", 100, 0), e("b", "bonus", 40, 0), e("c", "earn", 60, 30)];
    expect(expiryNotices(ledger, fixed, member, at(75))).toEqual([]);
    expect(expiryNotices(ledger, fixed, member, at(76))).toEqual([
      {
        expiresAt: at(90),
        points: 140,
        notifyAt: at(76),
        key: "s.myshopify.com:customer:7:expiry-notice:2025-04-01",
      },
    ]);
    expect(expiryNotices(ledger, fixed, member, at(110)).map((n) => n.points)).toEqual([60]);
  });

  it("warns of inactivity expiry N days ahead", () => {
    const ledger = [e("a", "earn", 100, 0)];
    expect(expiryNotices(ledger, inactive, member, at(52))).toEqual([]);
    expect(expiryNotices(ledger, inactive, member, at(53))).toMatchObject([
      { expiresAt: at(60), points: 100, notifyAt: at(53) },
    ]);
  });
});

describe("expiry invariants", () => {
  it("never expires more than was credited, leaves no lapsed lot behind, and is idempotent", () => {
    const arb = fc.array(
      fc.record({
        kind: fc.constantFrom<LedgerKind>("earn", "bonus", "redeem"),
        points: fc.integer({ min: 1, max: 500 }),
        day: fc.integer({ min: 0, max: 300 }),
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(arb, fc.constantFrom(fixed, inactive), (rows, policy) => {
        const ledger = rows.map((r, i) =>
          e(`k${i}`, r.kind, r.kind === "redeem" ? -r.points : r.points, r.day),
        );
        const now = at(400);
        const due = dueExpiries(ledger, policy, member, now);
        const credited = rows.filter((r) => r.kind !== "redeem").reduce((s, r) => s + r.points, 0);
        expect(due.reduce((s, d) => s + d.points, 0)).toBeLessThanOrEqual(credited);
        if (policy.policy === "fixedAge")
          expect(upcomingExpiries(apply(ledger, due), policy, now).every((u) => u.expiresAt > now)).toBe(
            true,
          );
        expect(due.every((d) => d.points > 0 && d.occurredAt.getTime() <= now.getTime())).toBe(true);
        expect(dueExpiries(apply(ledger, due), policy, member, now)).toEqual([]);
      }),
    );
  });
});
