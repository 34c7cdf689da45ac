import { describe, expect, it } from "vitest";

import { buildDataset, type RewardMember } from "./features";
import { fitRewardModel } from "./model";
import { runRewardRecommendations } from "./pipeline";
import fixtures from "./reference/fixtures.json";

// Values from reference/compute.py: 240 synthetic members, three rewards, 400 days; features
// recomputed in python from their definitions, numpy Newton for the fit (README "Evidence").

const close = (a: number, b: number, tol = 1e-6) => expect(Math.abs(a - b)).toBeLessThan(tol);
const members = fixtures.members as RewardMember[];
const { rewards, horizon: H, now } = fixtures;
const value = { grossMargin: fixtures.grossMargin, shopMedianOrder: fixtures.shopMedianOrder };

describe("reward model against numpy", () => {
  const train = buildDataset(members, rewards, now - 2 * H, H);

  it("features of every (member, reward) row and their labels", () => {
    expect(train.X.length).toBe(fixtures.train.X.length);
    train.X.forEach((row, i) => row.forEach((v, j) => close(v, fixtures.train.X[i]![j]!, 1e-9)));
    expect(train.y).toEqual(fixtures.train.y);
  });

  it("L2 logistic regression on the standardised rows", () => {
    const fit = fitRewardModel(train, { lambda: fixtures.lambda });
    if (!fit.ok) throw new Error(fit.reason);
    close(fit.model.intercept, fixtures.holdout.intercept);
    fixtures.holdout.coef.forEach((c, j) => close(fit.model.coef[j]!, c));
  });

  const run = runRewardRecommendations(members, rewards, now, H, { lambda: fixtures.lambda, value });
  if (!run.ok || run.method !== "model") throw new Error("the fixture should fit");

  it("the deployed model, each member's P(redeem), margin impact, expected value and ranking", () => {
    close(run.model.intercept, fixtures.deployed.intercept);
    fixtures.deployed.coef.forEach((c, j) => close(run.model.coef[j]!, c));
    const byId = new Map(run.members.map((m) => [m.id, m]));
    for (const [id, ref] of Object.entries(fixtures.scores)) {
      const mine = byId.get(id)!;
      close(mine.balance, ref.balance, 1e-9);
      expect(mine.ranked.map((s) => s.rewardId)).toEqual(ref.ranked.map((s) => s.rewardId));
      mine.ranked.forEach((s, k) => {
        close(s.probability!, ref.ranked[k]!.probability);
        close(s.marginImpact, ref.ranked[k]!.marginImpact, 1e-9);
        close(s.expectedValue!, ref.ranked[k]!.expectedValue);
      });
    }
  });

  it("precision@1 of the holdout model on the test window", () => {
    if ("reason" in run.evaluation) throw new Error(run.evaluation.reason);
    expect(run.evaluation.model.members).toBe(fixtures.precisionAt1.members);
    expect(run.evaluation.model.hits).toBe(fixtures.precisionAt1.hits);
  });
});
