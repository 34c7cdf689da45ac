import { describe, expect, it } from "vitest";
import { program } from "../../tests/support/loyalty-fixtures";
import { memberStatus, type MemberStatusInput, type StatusActivityRow } from "./member-status";
import { proxySignature, signedProxyQuery } from "./proxy-signature";
import { proxyQueryProblem } from "./proxy-auth.server";

const NOW = new Date("2025-06-10T12:00:00Z");
const PROGRAM = program({
  currency: "EUR",
  tiers: {
    basis: "spend",
    levels: [
      { id: "silver", name: "Silver", threshold: 10000, benefits: { perkPercent: 5 } },
      { id: "gold", name: "Gold", threshold: 50000, benefits: { perkPercent: 10 } },
    ],
  },
  rewards: [
    { id: "a", name: "A", value: { kind: "percentage", percent: 10 }, pointsCost: 100, perMemberLimit: 1 },
    {
      id: "b",
      name: "B",
      value: { kind: "freeShipping" },
      pointsCost: 50,
      availableFrom: "2025-07-01T00:00:00Z",
    },
  ],
});

const entry = (i: number, kind: StatusActivityRow["kind"] = "earn"): StatusActivityRow => ({
  key: `k${i}`,
  kind,
  points: 10,
  bucket: "available",
  occurredAt: new Date(NOW.getTime() - i * 1000),
  orderName: null,
});

const input = (overrides: Partial<MemberStatusInput> = {}): MemberStatusInput => ({
  currency: "EUR",
  program: PROGRAM,
  member: {
    status: "active",
    availablePoints: 120,
    pendingPoints: 0,
    tierId: null,
    tierValue: 2500,
    birthdayMonth: null,
    birthdayDay: null,
  },
  activity: [],
  redemptionsByReward: new Map(),
  now: NOW,
  ...overrides,
});

describe("memberStatus", () => {
  it("places a member below the first tier with progress towards it", () => {
    const status = memberStatus(input());
    expect(status.member && status.tier).toEqual({
      basis: "spend",
      current: null,
      next: { id: "silver", name: "Silver", threshold: 10000 },
      value: 2500,
      remaining: 7500,
      fraction: 0.25,
    });
  });

  it("says the top tier has nothing next", () => {
    const status = memberStatus(input({ member: { ...input().member!, tierId: "gold", tierValue: 80000 } }));
    expect(status.member && status.tier).toMatchObject({ next: null, remaining: 0, fraction: 1 });
  });

  it("takes affordability from canRedeem: limits and availability windows count", () => {
    const fresh = memberStatus(input());
    expect(fresh.member && fresh.rewards.map((r) => [r.id, r.available, r.affordable, r.shortBy])).toEqual([
      ["a", true, true, 0],
      ["b", false, false, 0],
    ]);
    const used = memberStatus(input({ redemptionsByReward: new Map([["a", 1]]) }));
    expect(used.member && used.rewards[0]).toMatchObject({ affordable: false, shortBy: 0 });
  });

  it("keeps at most 10 activity entries and leaves out releases", () => {
    const activity = [entry(0, "release"), ...Array.from({ length: 12 }, (_, i) => entry(i + 1))];
    const status = memberStatus(input({ activity }));
    expect(status.member && status.activity.map((a) => a.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `k${i + 1}`),
    );
  });

  it("gives the member's birthday as month and day, or null until they give it", () => {
    const none = memberStatus(input());
    expect(none.member && none.birthday).toBeNull();
    const given = memberStatus(input({ member: { ...input().member!, birthdayMonth: 2, birthdayDay: 29 } }));
    expect(given.member && given.birthday).toEqual({ month: 2, day: 29 });
  });

  it.each([
    [null, "notEnrolled"],
    ["notEnrolled", "notEnrolled"],
    ["excluded", "excluded"],
    ["deleted", "excluded"],
  ] as const)("answers a %s customer as not a member (%s)", (memberState, reason) => {
    const member = memberState === null ? null : { ...input().member!, status: memberState };
    expect(memberStatus(input({ member }))).toEqual({ member: false, reason, currency: "EUR" });
  });
});

describe("proxy query checks", () => {
  const now = new Date("2025-06-10T12:00:00Z");
  const query = (timestamp: number) =>
    signedProxyQuery({ shop: "a.myshopify.com", customerId: 1n, secret: "s", timestamp });
  const ts = Math.trunc(now.getTime() / 1000);

  it("signs like Shopify: sorted name=value pairs without separators", () => {
    const params = new URLSearchParams("shop=a.myshopify.com&extra=1&extra=2&timestamp=1");
    // HMAC-SHA256("secret", "extra=1,2shop=a.myshopify.comtimestamp=1"), computed with python3.
    expect(proxySignature(params, "secret")).toBe(
      "c7afa60a59373f1257af013605dca3043538a72a2b1cf90090c8881ec4b78cb6",
    );
  });

  it("allows 90 s of clock difference and no more", () => {
    expect(proxyQueryProblem(query(ts - 90), now)).toBeNull();
    expect(proxyQueryProblem(query(ts + 90), now)).toBeNull();
    expect(proxyQueryProblem(query(ts - 91), now)).toMatch(/stale/);
    expect(proxyQueryProblem(query(ts + 91), now)).toMatch(/stale/);
  });

  it("refuses repeated parameters, missing signatures and malformed timestamps", () => {
    const repeated = query(ts);
    repeated.append("path_prefix", "/apps/other");
    expect(proxyQueryProblem(repeated, now)).toMatch(/"path_prefix" appears more than once/);
    const unsigned = query(ts);
    unsigned.delete("signature");
    expect(proxyQueryProblem(unsigned, now)).toMatch(/signature/);
    const odd = query(ts);
    odd.set("timestamp", "12.5");
    expect(proxyQueryProblem(odd, now)).toMatch(/timestamp/);
  });
});
