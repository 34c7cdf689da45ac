import { describe, expect, it } from "vitest";
import { firesOn, type TriggerEvent } from "./triggers";

const member = (availablePoints: number) => ({ availablePoints, rewardCosts: [500, 1000] });
const earned = (points: number, bucket?: string): TriggerEvent => ({
  type: "pointsEarned",
  payload: { points, ...(bucket ? { bucket } : {}) },
});

describe("firesOn", () => {
  it("tier upgrade: an upgrade from a tier, not a first placement, a downgrade or a reassignment", () => {
    const tier = (change: string, from: string | null = "silver") => ({
      type: "tierChanged",
      payload: { change, from, to: "gold" },
    });
    expect(firesOn("tierUpgrade", tier("upgrade"), member(0))).toBe(true);
    // A new member placed in the tier everyone starts in (from none) has not moved up; one whose
    // first order reaches a higher tier has.
    const entry = { ...member(0), entryTierIds: ["member"] };
    const placed = { type: "tierChanged", payload: { change: "upgrade", from: null, to: "member" } };
    expect(firesOn("tierUpgrade", placed, entry)).toBe(false);
    expect(firesOn("tierUpgrade", tier("upgrade", null), entry)).toBe(true);
    expect(firesOn("tierUpgrade", tier("downgrade"), member(0))).toBe(false);
    expect(firesOn("tierUpgrade", tier("reassigned"), member(0))).toBe(false);
    expect(firesOn("tierUpgrade", earned(10), member(0))).toBe(false);
  });

  it("points earned: positive points, pending or available", () => {
    expect(firesOn("pointsEarned", earned(60, "pending"), member(0))).toBe(true);
    expect(firesOn("pointsEarned", earned(-60, "available"), member(0))).toBe(false);
    expect(firesOn("pointsEarned", { type: "pointsReversed", payload: { points: 5 } }, member(0))).toBe(
      false,
    );
  });

  it("reward unlocked: the available balance crossed a reward's cost with this event", () => {
    expect(firesOn("rewardUnlocked", earned(100, "available"), member(520))).toBe(true);
    expect(firesOn("rewardUnlocked", earned(100, "available"), member(500))).toBe(true);
    expect(firesOn("rewardUnlocked", earned(100, "available"), member(499))).toBe(false);
    expect(firesOn("rewardUnlocked", earned(100, "available"), member(700))).toBe(false);
    // Pending points are not spendable yet.
    expect(firesOn("rewardUnlocked", earned(100, "pending"), member(520))).toBe(false);
    // A signup bonus carries no bucket: it is available.
    expect(firesOn("rewardUnlocked", earned(600), member(600))).toBe(true);
    expect(
      firesOn("rewardUnlocked", { type: "pointsReleased", payload: { points: 600 } }, member(1100)),
    ).toBe(true);
  });
});
