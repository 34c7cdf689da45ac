// P(member redeems reward r within the horizon) as one L2-regularised logistic regression over
// (member, reward) rows (ADR 0037-reward-recs-model): shared features (affordability, points
// gap, reach, past redemptions, recency, frequency, the reward's value) plus one indicator per
// reward, so each reward gets its own base rate, shrunk towards the shop's by the penalty, and a
// reward nobody has redeemed yet is still scored from the shared features. The fit is
// ../churn/logistic.ts (Newton/IRLS, checked against numpy there and in reference/ here).
import {
  fitPackedLogistic,
  fitStandardiser,
  predictRaw,
  standardise,
  standardiseRows,
  topPositive,
  type Standardiser,
} from "../churn/logistic";
import { FEATURE_LABELS, FEATURES, type FeatureName, type RewardDataset } from "./features";

export type RewardModel = {
  columns: string[];
  standardiser: Standardiser;
  intercept: number;
  coef: number[];
  trainRows: number;
  trainRedemptions: number;
  lambda: number;
};

export type RewardFit = { ok: true; model: RewardModel } | { ok: false; problem: string; reason: string };

export type RewardModelOptions = {
  lambda?: number;
  minMembers?: number;
  minRedemptions?: number;
  /** Larger shops fit on a fixed sample of members (by a hash of their id): the fit is O(rows). */
  maxTrainMembers?: number;
};

export const DEFAULTS = { lambda: 1, minMembers: 30, minRedemptions: 20, maxTrainMembers: 20_000 } as const;

export function fitRewardModel(all: RewardDataset, options: RewardModelOptions = {}): RewardFit {
  const { lambda, minMembers, minRedemptions, maxTrainMembers } = { ...DEFAULTS, ...options };
  const train = sample(all, maxTrainMembers);
  const members = new Set(train.memberIds).size;
  const positives = train.y.reduce((s, v) => s + v, 0);
  if (members < minMembers)
    return {
      ok: false,
      problem: "not-enough-data",
      reason: `not enough members with orders before the training cutoff: the reward model needs at least ${minMembers}; there are ${members}`,
    };
  if (positives < minRedemptions)
    return {
      ok: false,
      problem: "not-enough-data",
      reason: `not enough redemptions yet: the reward model learns from at least ${minRedemptions} redemptions in a ${train.horizon}-day window; there are ${positives}`,
    };
  const standardiser = fitStandardiser(train.X);
  const fit = fitPackedLogistic(standardiseRows(standardiser, train.X), train.y, lambda);
  if (!fit.ok) return fit;
  return {
    ok: true,
    model: {
      columns: train.columns,
      standardiser,
      intercept: fit.intercept,
      coef: fit.coef,
      trainRows: train.X.length,
      trainRedemptions: positives,
      lambda,
    },
  };
}

export function predictRedemption(model: RewardModel, x: readonly number[]): number {
  return predictRaw(model, model.standardiser, x);
}

export type Driver = { feature: FeatureName | "reward"; label: string; value: number; contribution: number };

/**
 * What pushes this member's chance of redeeming this reward above the average row's:
 * β_j (x_j − mean_j) / sd_j, the top `k` positive ones; the reward indicators count as one
 * driver ("this reward's own redemption rate").
 */
export function explain(model: RewardModel, x: readonly number[], k = 3): Driver[] {
  const z = standardise(model.standardiser, x);
  // FEATURES' contributions, then the indicators' together (index FEATURES.length).
  const contributions = new Float64Array(FEATURES.length + 1);
  for (let j = 0; j < FEATURES.length; j++) contributions[j] = model.coef[j]! * z[j]!;
  let own = 0;
  for (let j = FEATURES.length; j < x.length; j++) own += model.coef[j]! * z[j]!;
  contributions[FEATURES.length] = own;
  return topPositive(contributions, k).map((j): Driver => {
    const feature = FEATURES[j];
    return feature
      ? { feature, label: FEATURE_LABELS[feature], value: x[j]!, contribution: contributions[j]! }
      : { feature: "reward", label: "how often members redeem this reward", value: 1, contribution: own };
  });
}

/** FNV-1a of the id, as a uniform number in [0, 1). */
function unitHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 4_294_967_296;
}

/** The rows of about `max` members, the same members whatever the order of the input. */
function sample(d: RewardDataset, max: number): RewardDataset {
  const members = new Set(d.memberIds).size;
  if (members <= max) return d;
  const share = max / members;
  const keep = d.memberIds.map((id) => unitHash(id) < share);
  const pick = <T>(a: readonly T[]) => a.filter((_, i) => keep[i]);
  return { ...d, X: pick(d.X), y: pick(d.y), memberIds: pick(d.memberIds), rewardIds: pick(d.rewardIds) };
}
