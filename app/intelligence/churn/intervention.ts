// What to do about one at-risk member, in the order a retention marketer would try it:
//   1. a reward they can already afford but have not used  → remind them to redeem it;
//   2. a reward they can almost afford (short by ≤ `nearShare` of its cost) → gift the gap as
//      bonus points (cheap: the gap only), so the next visit ends in a redemption;
//   3. points about to expire → an expiry reminder;
//   4. enough value at stake → a bonus-points offer worth `bonusShare` of it;
//   5. otherwise a win-back message (no points cost).
// Members not flagged at risk get nothing. When the reward model (../rewards) has picked a
// reward for the member, steps 1 and 2 use that reward (the one they are most likely to redeem,
// weighed by its margin) if it is affordable or almost; otherwise the rules pick as above.

export type RewardOption = { id: string; name: string; pointsCost: number; active: boolean };

export type InterventionInput = {
  atRisk: boolean;
  /** The member's discounted CLV (major units), or null when unknown. */
  valueAtStake: number | null;
  /** Spendable points, or null for customers who are not members. */
  pointsBalance: number | null;
  /** Points expiring in the next 30 days. */
  pointsExpiringSoon: number;
  rewards: readonly RewardOption[];
  /** The reward model's recommended reward for the member, when it has one. */
  recommendedRewardId?: string | null;
};

export type InterventionOptions = {
  /** Currency value of one point when redeemed (major units), e.g. 0.01. */
  pointValue: number;
  nearShare?: number;
  bonusShare?: number;
  /** Smallest value at stake that justifies a points bonus. */
  minValueForBonus?: number;
};

export type Intervention =
  | { kind: "none" }
  | { kind: "redeem-reminder"; rewardId: string; rewardName: string; message: string }
  | { kind: "almost-reward"; rewardId: string; rewardName: string; bonusPoints: number; message: string }
  | { kind: "expiry-reminder"; points: number; message: string }
  | { kind: "bonus"; bonusPoints: number; message: string }
  | { kind: "message"; message: string };

export function recommendIntervention(m: InterventionInput, o: InterventionOptions): Intervention {
  if (!m.atRisk) return { kind: "none" };
  const { nearShare = 0.25, bonusShare = 0.05, minValueForBonus = 50 } = o;
  const balance = m.pointsBalance;
  const active = m.rewards.filter((r) => r.active).sort((a, b) => a.pointsCost - b.pointsCost);
  if (balance !== null) {
    const pick = active.find((r) => r.id === m.recommendedRewardId);
    if (pick && pick.pointsCost <= balance)
      return {
        kind: "redeem-reminder",
        rewardId: pick.id,
        rewardName: pick.name,
        message: `Remind them they can redeem “${pick.name}” now (${pick.pointsCost} of their ${balance} points), the reward they are most likely to use.`,
      };
    if (pick && pick.pointsCost - balance <= nearShare * pick.pointsCost) {
      const gap = pick.pointsCost - balance;
      return {
        kind: "almost-reward",
        rewardId: pick.id,
        rewardName: pick.name,
        bonusPoints: gap,
        message: `Gift ${gap} bonus points so they can redeem “${pick.name}” (${balance} of ${pick.pointsCost} points), the reward they are most likely to use.`,
      };
    }
    const affordable = active.filter((r) => r.pointsCost <= balance);
    const best = affordable[affordable.length - 1];
    if (best)
      return {
        kind: "redeem-reminder",
        rewardId: best.id,
        rewardName: best.name,
        message: `Remind them they can redeem “${best.name}” now (${best.pointsCost} of their ${balance} points).`,
      };
    const near = active.find((r) => r.pointsCost - balance <= nearShare * r.pointsCost);
    if (near) {
      const gap = near.pointsCost - balance;
      return {
        kind: "almost-reward",
        rewardId: near.id,
        rewardName: near.name,
        bonusPoints: gap,
        message: `Gift ${gap} bonus points so they can redeem “${near.name}” (${balance} of ${near.pointsCost} points).`,
      };
    }
    if (m.pointsExpiringSoon > 0)
      return {
        kind: "expiry-reminder",
        points: m.pointsExpiringSoon,
        message: `Tell them ${m.pointsExpiringSoon} points expire within 30 days.`,
      };
  }
  if (m.valueAtStake !== null && m.valueAtStake >= minValueForBonus && o.pointValue > 0) {
    const bonusPoints = Math.max(10, Math.round((m.valueAtStake * bonusShare) / o.pointValue / 10) * 10);
    return {
      kind: "bonus",
      bonusPoints,
      message: `Offer ${bonusPoints} bonus points on their next order (${Math.round(bonusShare * 100)}% of the value at stake).`,
    };
  }
  return {
    kind: "message",
    message:
      balance === null
        ? "Send a win-back message inviting them to join the rewards program."
        : "Send a win-back message with what is new since their last order.",
  };
}
