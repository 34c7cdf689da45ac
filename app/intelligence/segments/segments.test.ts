import { describe, expect, it } from "vitest";

import { memberFeatures, type MemberAggregate } from "./features";
import { scoreRfm, type Score } from "./rfm";
import { fmScore, segmentOf, SEGMENTS } from "./segments";

const DAY = 86_400_000;
const asOf = Date.UTC(2026, 11, 6);
const scores: Score[] = [1, 2, 3, 4, 5];

describe("named segments", () => {
  it("maps every R × F × M cell to exactly one known segment, and uses them all", () => {
    const seen = new Set<string>();
    for (const recency of scores)
      for (const frequency of scores)
        for (const monetary of scores) seen.add(segmentOf({ recency, frequency, monetary }));
    expect([...seen].sort()).toEqual([...SEGMENTS].sort());
  });

  it.each([
    [5, 5, 5, "champions"],
    [4, 5, 4, "loyal"],
    [3, 4, 4, "loyal"],
    [5, 2, 3, "potential_loyalists"],
    [5, 1, 1, "new"],
    [4, 1, 1, "promising"],
    [3, 3, 3, "need_attention"],
    [3, 1, 2, "about_to_sleep"],
    [2, 3, 4, "at_risk"],
    [1, 5, 5, "cant_lose"],
    [2, 1, 1, "hibernating"],
    [1, 2, 2, "hibernating"],
    [1, 1, 1, "lost"],
  ] as const)("R%i F%i M%i is %s", (recency, frequency, monetary, segment) => {
    expect(segmentOf({ recency, frequency, monetary })).toBe(segment);
  });

  it("rounds the combined frequency–monetary score half up", () => {
    expect(fmScore({ recency: 1, frequency: 4, monetary: 5 })).toBe(5);
    expect(fmScore({ recency: 1, frequency: 1, monetary: 2 })).toBe(2);
  });
});

function aggregate(over: Partial<MemberAggregate>): MemberAggregate {
  return {
    customerId: "c",
    joinedAt: asOf - 100 * DAY,
    firstOrderAt: asOf - 90 * DAY,
    lastOrderAt: asOf - 10 * DAY,
    orderCount: 3,
    grossMinor: 30_000,
    refundedMinor: 6_000,
    pointsBalance: 120,
    ...over,
  };
}

describe("features and scoring", () => {
  it("nets refunds from spend and measures tenure from the earlier of joining and first order", () => {
    const f = memberFeatures(aggregate({ joinedAt: asOf - 50 * DAY }), asOf + DAY / 2);
    expect(f).toEqual({
      customerId: "c",
      recencyDays: 10,
      frequency: 3,
      monetaryMinor: 24_000,
      tenureDays: 90,
      aovMinor: 8_000,
      pointsBalance: 120,
    });
    expect(memberFeatures(aggregate({ refundedMinor: 99_999 }), asOf).monetaryMinor).toBe(0);
  });

  it("scores only buyers and says why a dimension is coarse", () => {
    const members = [
      memberFeatures(
        aggregate({
          customerId: "never",
          orderCount: 0,
          lastOrderAt: null,
          firstOrderAt: null,
          grossMinor: 0,
          refundedMinor: 0,
        }),
        asOf,
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        memberFeatures(
          aggregate({
            customerId: `b${i}`,
            lastOrderAt: asOf - i * 7 * DAY,
            orderCount: 1 + (i % 2),
            grossMinor: 1000 * (i + 1),
            refundedMinor: 0,
          }),
          asOf,
        ),
      ),
    ];
    const result = scoreRfm(members);
    expect(result.members.map((m) => m.customerId)).not.toContain("never");
    expect(result.members).toHaveLength(10);
    expect(result.notes).toEqual([
      "frequency has only 2 distinct values among buyers, so it uses 2 of the 5 scores",
    ]);
    const b0 = result.members.find((m) => m.customerId === "b0")!;
    expect(b0.scores.recency).toBe(5);
    expect(result.members.find((m) => m.customerId === "b9")!.scores).toEqual({
      recency: 1,
      frequency: 3,
      monetary: 5,
    });
  });

  it("says why a dimension with many values still skips scores: most buyers share one value", () => {
    const members = Array.from({ length: 20 }, (_, i) =>
      memberFeatures(
        aggregate({
          customerId: `m${i}`,
          orderCount: i < 12 ? 1 : i - 10,
          lastOrderAt: asOf - i * DAY,
          grossMinor: 1000 * (i + 1),
        }),
        asOf,
      ),
    );
    const result = scoreRfm(members);
    expect(new Set(result.members.map((m) => m.scores.frequency))).toEqual(new Set([1, 4, 5]));
    expect(result.notes).toEqual([
      "frequency uses 3 of the 5 scores: 60% of buyers share the value 1, and equal values share a score",
    ]);
  });
});
