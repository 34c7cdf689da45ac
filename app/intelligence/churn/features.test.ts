import { describe, expect, it } from "vitest";

import type { LedgerEntry } from "../../loyalty/ledger";
import { summaryAt } from "./clv-features";
import { buildDataset, churnFeatures, churnLabel, FEATURES, medianGap, type ChurnCustomer } from "./features";

const at = (day: number) => new Date(day * 86_400_000);
const entry = (
  key: string,
  day: number,
  points: number,
  kind: LedgerEntry["kind"] = "earn",
): LedgerEntry => ({
  key,
  kind,
  points,
  bucket: "available",
  occurredAt: at(day),
  programVersion: 1,
});

const f = (x: number[] | null, name: (typeof FEATURES)[number]) => x![FEATURES.indexOf(name)]!;

const member: ChurnCustomer = {
  id: "1",
  orders: [
    { day: 10, amount: 40 },
    { day: 30, amount: 60 },
    { day: 40, amount: 20 },
    { day: 100, amount: 80 }, // the last before the cutoff at 120
    { day: 150, amount: 50 }, // after the cutoff: unseen by features, decides the label
  ],
  refunds: [
    { day: 35, amount: 20 },
    { day: 160, amount: 50 },
  ],
  loyalty: [
    { day: 11, balance: 40, redemptions: 0 },
    { day: 45, balance: 10, redemptions: 1 },
    { day: 101, balance: 90, redemptions: 1 },
    { day: 130, balance: 0, redemptions: 2 },
  ],
  tierChanges: [
    { day: 20, direction: 1 },
    { day: 110, direction: -1 },
  ],
  // Lots expire 60 days after they became available: as of day 120, the lot of day 65 (20 left
  // after the redemption on day 80 took 30 of it) lapses on 125, the lot of day 89 on 149, the
  // lot of day 90 on 150 (outside [120, 150)); the lot of day 121 is not seen at the cutoff.
  points: {
    expiry: { policy: "fixedAge", days: 60, noticeDays: 30 },
    ledger: [
      entry("a", 65, 50),
      entry("b", 80, -30, "redeem"),
      entry("c", 89, 5),
      entry("d", 90, 1000),
      entry("e", 121, 400),
      entry("f", 122, -1000, "redeem"),
    ],
  },
  reviews: [
    { day: 50, sentiment: 1, rating: 5 },
    { day: 105, sentiment: -0.5, rating: 2 },
    { day: 110, sentiment: null, rating: 4 },
    { day: 130, sentiment: -1, rating: 1 },
  ],
  engagement: [
    { day: 20, sends: 1, opens: 0, clicks: 0 },
    { day: 40, sends: 1, opens: 1, clicks: 0 },
    { day: 60, sends: 1, opens: 0, clicks: 0 },
    { day: 70, sends: 0, opens: 0, clicks: 1 },
    { day: 119, sends: 0, opens: 1, clicks: 0 },
    { day: 120, sends: 5, opens: 0, clicks: 3 },
  ],
};

describe("churn features as of a cutoff", () => {
  const x = churnFeatures(member, 120, 25, { pAlive: 0.6, expected: 1.5 });

  it("RFM and inter-purchase times see only orders before the cutoff", () => {
    expect(f(x, "recencyDays")).toBe(20);
    expect(f(x, "logOrders")).toBeCloseTo(Math.log(5), 12);
    expect(f(x, "tenureDays")).toBe(110);
    expect(f(x, "logMeanOrder")).toBeCloseTo(Math.log1p(50), 12);
    expect(f(x, "ordersLast90")).toBe(3); // days 30, 40 and 100 are in [30, 120)
    expect(f(x, "recencyOverGap")).toBeCloseTo(20 / 30, 12); // mean gap (100 − 10) / 3
    expect(f(x, "gapTrend")).toBeCloseTo(Math.log(61 / 16), 12); // last gap 60 vs mean(20, 10) = 15
  });

  it("refunds, loyalty, engagement and reviews as of the cutoff", () => {
    expect(f(x, "refundShare")).toBeCloseTo(20 / 200, 12);
    expect(f(x, "logPointsBalance")).toBeCloseTo(Math.log1p(90), 12);
    expect(f(x, "redemptions")).toBe(1);
    expect(f(x, "tierMovement")).toBe(0); // up on day 20, down on 110: both within 180 days
    expect(f(x, "tierDowngrades180")).toBe(1);
    expect(f(x, "logPointsExpiring30")).toBeCloseTo(Math.log1p(25), 12); // 20 on day 125, 5 on 149
    // In [30, 120): sends on 40 and 60, opens on 40 and 119, a click on 70; day 120 is unseen.
    expect(f(x, "hasEngagement90")).toBe(1);
    expect(f(x, "logSends90")).toBeCloseTo(Math.log1p(2), 12);
    expect(f(x, "openRate90")).toBe(1);
    expect(f(x, "openRateChange")).toBe(1); // the send on day 20 (in [−150, 30)) was not opened
    expect(f(x, "clicks90")).toBe(1);
    // Reviews before 120: sentiment over the scored two, all three counted, lowest rating 2.
    expect(f(x, "reviewSentiment")).toBeCloseTo(0.25, 12);
    expect(f(x, "reviewCount")).toBe(3);
    expect(f(x, "lowestRatingGap")).toBe(3);
    expect(f(x, "logExpectedPurchases")).toBeCloseTo(Math.log1p(1.5), 12);
  });

  it("labels by whether an order falls in [cutoff, cutoff + horizon)", () => {
    expect(churnLabel(member, 120, 30)).toBe(1); // day 150 is outside [120, 150)
    expect(churnLabel(member, 120, 31)).toBe(0);
    expect(churnFeatures(member, 10, 25, undefined)).toBeNull(); // nothing before day 10
  });

  it("one-order customers take the population's median gap; trend 0", () => {
    const one: ChurnCustomer = {
      id: "2",
      orders: [{ day: 50, amount: 10 }],
      tierChanges: [{ day: -81, direction: 1 }], // 181 days before the cutoff: outside the window
    };
    const y = churnFeatures(one, 100, 25, undefined);
    expect(f(y, "recencyOverGap")).toBe(2);
    expect(f(y, "gapTrend")).toBe(0);
    expect(f(y, "tierMovement")).toBe(0);
    // No engagement, reviews or points: the flags say so, the values are 0.
    for (const name of [
      "hasEngagement90",
      "openRate90",
      "reviewCount",
      "lowestRatingGap",
      "logPointsExpiring30",
    ] as const)
      expect(f(y, name)).toBe(0);
    expect(f(y, "logExpectedPurchases")).toBe(0);
    expect(
      medianGap(
        [
          member,
          one,
          {
            id: "3",
            orders: [
              { day: 0, amount: 1 },
              { day: 10, amount: 1 },
            ],
          },
        ],
        120,
      ),
    ).toBe(
      20, // median of 30 and 10
    );
  });

  it("BG/NBD summaries merge same-day orders and measure T from the first purchase", () => {
    const c: ChurnCustomer = {
      id: "4",
      orders: [
        { day: 3.2, amount: 1 },
        { day: 3.9, amount: 1 },
        { day: 9.5, amount: 1 },
      ],
    };
    expect(summaryAt(c, 20)).toEqual({ x: 1, tx: 6, T: 17 });
    expect(summaryAt(c, 3)).toBeNull();
  });

  it("buildDataset keeps only customers with an order before the cutoff", () => {
    const d = buildDataset([member, { id: "late", orders: [{ day: 200, amount: 5 }] }], 120, 30);
    expect(d.ids).toEqual(["1"]);
    expect(d.y).toEqual([1]);
  });
});
