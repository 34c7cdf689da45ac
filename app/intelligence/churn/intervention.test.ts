import { describe, expect, it } from "vitest";

import { recommendIntervention, type InterventionInput } from "./intervention";

const rewards = [
  { id: "ship", name: "Free shipping", pointsCost: 300, active: true },
  { id: "five", name: "$5 off", pointsCost: 500, active: true },
  { id: "ten", name: "$10 off", pointsCost: 1000, active: true },
  { id: "old", name: "Retired", pointsCost: 200, active: false },
];
const base: InterventionInput = {
  atRisk: true,
  valueAtStake: 120,
  pointsBalance: 0,
  pointsExpiringSoon: 0,
  rewards,
};
const opts = { pointValue: 0.01 };

describe("recommended intervention", () => {
  it("nothing for members who are not at risk", () => {
    expect(recommendIntervention({ ...base, atRisk: false, pointsBalance: 5000 }, opts)).toEqual({
      kind: "none",
    });
  });

  it("the most valuable reward they can already afford, ignoring inactive ones", () => {
    const r = recommendIntervention({ ...base, pointsBalance: 620 }, opts);
    expect(r).toMatchObject({ kind: "redeem-reminder", rewardId: "five" });
    expect(recommendIntervention({ ...base, pointsBalance: 250 }, opts).kind).not.toBe("redeem-reminder");
  });

  it("a reward they can almost afford: the gap as bonus points, cheapest reward first", () => {
    expect(recommendIntervention({ ...base, pointsBalance: 230 }, opts)).toMatchObject({
      kind: "almost-reward",
      rewardId: "ship",
      bonusPoints: 70,
    });
    // 224 is 76 short of 300 (more than 25%): not "almost".
    expect(recommendIntervention({ ...base, pointsBalance: 224 }, opts).kind).toBe("bonus");
  });

  it("the reward model's pick when it is affordable or almost; the rules otherwise", () => {
    // 620 points afford $5 off (the rules' pick) and free shipping; the model picked free shipping.
    expect(
      recommendIntervention({ ...base, pointsBalance: 620, recommendedRewardId: "ship" }, opts),
    ).toMatchObject({
      kind: "redeem-reminder",
      rewardId: "ship",
    });
    // 800 of 1,000 points: within 25% of the model's pick, so the gap is gifted for it.
    expect(
      recommendIntervention({ ...base, pointsBalance: 800, recommendedRewardId: "ten" }, opts),
    ).toMatchObject({
      kind: "almost-reward",
      rewardId: "ten",
      bonusPoints: 200,
    });
    // 600 of 1,000 is too far from the pick: the rules remind them of $5 off.
    expect(
      recommendIntervention({ ...base, pointsBalance: 600, recommendedRewardId: "ten" }, opts),
    ).toMatchObject({
      kind: "redeem-reminder",
      rewardId: "five",
    });
    // An inactive pick is ignored.
    expect(
      recommendIntervention({ ...base, pointsBalance: 620, recommendedRewardId: "old" }, opts),
    ).toMatchObject({
      rewardId: "five",
    });
  });

  it("expiring points before a bonus", () => {
    expect(
      recommendIntervention({ ...base, pointsBalance: 100, pointsExpiringSoon: 40 }, opts),
    ).toMatchObject({
      kind: "expiry-reminder",
      points: 40,
    });
  });

  it("a bonus worth 5% of the value at stake, in points rounded to tens; a message when the value is small or unknown", () => {
    expect(recommendIntervention({ ...base, pointsBalance: 10, valueAtStake: 123 }, opts)).toMatchObject({
      kind: "bonus",
      bonusPoints: 620, // 123 × 0.05 / 0.01 = 615 → 620
    });
    expect(recommendIntervention({ ...base, pointsBalance: 10, valueAtStake: 20 }, opts).kind).toBe(
      "message",
    );
    expect(recommendIntervention({ ...base, pointsBalance: 10, valueAtStake: null }, opts).kind).toBe(
      "message",
    );
  });

  it("non-members: bonus if worth it, else an invitation to join", () => {
    expect(recommendIntervention({ ...base, pointsBalance: null }, opts).kind).toBe("bonus");
    const r = recommendIntervention({ ...base, pointsBalance: null, valueAtStake: 10 }, opts);
    expect(r).toMatchObject({ kind: "message" });
    if (r.kind === "message") expect(r.message).toMatch(/join/);
  });
});
