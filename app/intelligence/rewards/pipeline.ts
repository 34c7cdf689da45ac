// From members' events to each member's recommended reward, with a time-based check:
//   evaluate: fit on features as of now − 2H (labels: the H days after), test on now − H —
//             precision@1 of "the reward redeemed next" and AUC of the (member, reward) rows,
//             next to the baselines (evaluate.ts);
//   deploy:   refit on now − H and score every member as of now; recommend the reward with the
//             largest expected value P(redeem) × margin impact (value.ts).
// Too few redemptions to fit: every member gets the affordability rule, labelled as such, with
// the reason (a shop's first weeks).
import { auc } from "../churn/evaluate";
import {
  balanceAt,
  buildDataset,
  memberRows,
  type RewardDataset,
  type RewardMember,
  type RewardOffer,
} from "./features";
import { cheapestAffordable, affordabilityRank, popularity, precisionAt1, type HitRate } from "./evaluate";
import {
  explain,
  fitRewardModel,
  predictRedemption,
  type Driver,
  type RewardModel,
  type RewardModelOptions,
} from "./model";
import { marginImpact, meanOrder, type ValueOptions } from "./value";

export type RewardScore = {
  rewardId: string;
  rewardName: string;
  pointsCost: number;
  /** Points still missing (0 when affordable now). */
  pointsGap: number;
  /** P(redeem within the horizon); null under the affordability rule. */
  probability: number | null;
  /** Major units per redemption (value.ts). */
  marginImpact: number;
  /** probability × marginImpact; null under the affordability rule. */
  expectedValue: number | null;
  drivers: Driver[];
};

export type Method = "model" | "affordability";

export type MemberRecommendation = { id: string; balance: number; ranked: RewardScore[] };

export type RewardEvaluation = {
  cutoff: number;
  testRows: number;
  auc: number | null;
  /** Members who redeemed in the test window, and the hit rates of each ranking. */
  model: HitRate;
  modelByExpectedValue: HitRate;
  mostPopular: HitRate;
  cheapestAffordable: HitRate;
  affordabilityRule: HitRate;
  random: number | null;
};

export type RewardRun =
  | {
      ok: true;
      method: "model";
      horizon: number;
      evaluation: RewardEvaluation | { reason: string };
      model: RewardModel;
      members: MemberRecommendation[];
    }
  | { ok: true; method: "affordability"; horizon: number; reason: string; members: MemberRecommendation[] }
  | { ok: false; problem: "no-rewards"; reason: string };

export type RunOptions = RewardModelOptions & { value: ValueOptions };

export function runRewardRecommendations(
  members: readonly RewardMember[],
  rewards: readonly RewardOffer[],
  now: number,
  horizon: number,
  options: RunOptions,
): RewardRun {
  if (rewards.length === 0)
    return { ok: false, problem: "no-rewards", reason: "the program has no active rewards to recommend" };
  const trainAt = now - 2 * horizon;
  const testAt = now - horizon;
  const holdout = fitRewardModel(buildDataset(members, rewards, trainAt, horizon), options);
  // The evaluation's test rows are the deployed model's training rows: built once.
  const latest = buildDataset(members, rewards, testAt, horizon);
  const deployed = fitRewardModel(latest, options);
  if (!deployed.ok)
    return {
      ok: true,
      method: "affordability",
      horizon,
      reason: deployed.reason,
      members: members.map((m) => byAffordability(m, rewards, now, options.value)),
    };
  const evaluation = holdout.ok
    ? evaluateModel(holdout.model, members, rewards, latest, trainAt, options.value)
    : { reason: holdout.reason };
  return {
    ok: true,
    method: "model",
    horizon,
    evaluation,
    model: deployed.model,
    members: members.map((m) => byModel(deployed.model, m, rewards, now, horizon, options.value)),
  };
}

/** Every reward for the member as of `at`, by expected value (then probability), largest first. */
export function byModel(
  model: RewardModel,
  m: RewardMember,
  rewards: readonly RewardOffer[],
  at: number,
  horizon: number,
  value: ValueOptions,
): MemberRecommendation {
  const balance = balanceAt(m, at);
  const mean = meanOrder(m, at);
  const rows = memberRows(m, rewards, at, horizon);
  const ranked = rewards.map((r, k): RewardScore & { row: number } => {
    const probability = predictRedemption(model, rows[k]!);
    const impact = marginImpact(r, mean, value).marginImpact;
    return {
      rewardId: r.id,
      rewardName: r.name,
      pointsCost: r.pointsCost,
      pointsGap: Math.max(0, r.pointsCost - balance),
      probability,
      marginImpact: impact,
      expectedValue: probability * impact,
      drivers: [],
      row: k,
    };
  });
  ranked.sort((a, b) => b.expectedValue! - a.expectedValue! || b.probability! - a.probability!);
  // Only the recommendation is explained (the rest are alternatives): explaining is most of the cost.
  if (ranked[0]) ranked[0].drivers = explain(model, rows[ranked[0].row]!);
  return { id: m.id, balance, ranked: ranked.map(({ row: _row, ...s }) => s) };
}

export function byAffordability(
  m: RewardMember,
  rewards: readonly RewardOffer[],
  at: number,
  value: ValueOptions,
): MemberRecommendation {
  const balance = balanceAt(m, at);
  const mean = meanOrder(m, at);
  const ranked = affordabilityRank(rewards, balance).map((r): RewardScore => ({
    rewardId: r.id,
    rewardName: r.name,
    pointsCost: r.pointsCost,
    pointsGap: Math.max(0, r.pointsCost - balance),
    probability: null,
    marginImpact: marginImpact(r, mean, value).marginImpact,
    expectedValue: null,
    drivers: [],
  }));
  return { id: m.id, balance, ranked };
}

/** The holdout model on `test` (the rows as of the test cutoff, labelled by the horizon after it). */
function evaluateModel(
  model: RewardModel,
  members: readonly RewardMember[],
  rewards: readonly RewardOffer[],
  test: RewardDataset,
  trainAt: number,
  value: ValueOptions,
): RewardEvaluation {
  const { cutoff: testAt, horizon } = test;
  const rows = test.X.map((x, i) => ({ score: predictRedemption(model, x), positive: test.y[i] === 1 }));
  const byProbability = (m: RewardMember) => {
    const r = byModel(model, m, rewards, testAt, horizon, value).ranked;
    return [...r].sort((a, b) => b.probability! - a.probability!).map((s) => s.rewardId);
  };
  const popular = popularity(members, rewards, trainAt, testAt);
  return {
    cutoff: testAt,
    testRows: rows.length,
    auc: auc(rows),
    model: precisionAt1(members, testAt, horizon, byProbability),
    modelByExpectedValue: precisionAt1(members, testAt, horizon, (m) =>
      byModel(model, m, rewards, testAt, horizon, value).ranked.map((s) => s.rewardId),
    ),
    mostPopular: precisionAt1(members, testAt, horizon, () => popular),
    cheapestAffordable: precisionAt1(members, testAt, horizon, cheapestAffordable(rewards, testAt)),
    affordabilityRule: precisionAt1(members, testAt, horizon, (m) =>
      affordabilityRank(rewards, balanceAt(m, testAt)).map((r) => r.id),
    ),
    random: rewards.length ? 1 / rewards.length : null,
  };
}
