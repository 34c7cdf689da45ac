import { describe, expect, it } from "vitest";

import { generateShop } from "../../../simulator/index";
import { auc } from "../churn/evaluate";
import { precisionAt1 } from "./evaluate";
import { buildDataset, FEATURES } from "./features";
import { fitRewardModel, predictRedemption } from "./model";
import { runRewardRecommendations, type RewardEvaluation } from "./pipeline";
import { rewardMembers, simulatorRewards, simulatorRule } from "./simulator-testing";

// 20,000-customer simulator shops with a past loyalty program, 18 months of history; time split
// with a 90-day horizon: fit on features as of end − 180 days, test on end − 90 (the reward each
// member redeemed first in the last 90 days of history). Two programs: the demo's two rewards
// ($5 for 200 points, $15 for 500 on $50+), and a ladder of four. The simulator's rule (the most
// expensive reward that is affordable and fits the order, simulator-testing.ts) applied at the
// cutoff with each customer's true mean basket is the preference the simulator exposes.

const HORIZON = 90;
const LADDER = [
  { amountMinor: 500, pointsCost: 200, minimumSubtotalMinor: 0 },
  { amountMinor: 1_000, pointsCost: 350, minimumSubtotalMinor: 4_000 },
  { amountMinor: 1_500, pointsCost: 500, minimumSubtotalMinor: 5_000 },
  { amountMinor: 3_000, pointsCost: 900, minimumSubtotalMinor: 12_000 },
];

function evaluate(rewards?: typeof LADDER) {
  const shop = generateShop({ seed: 23, customers: 20_000, pastLoyalty: rewards ? { rewards } : {} });
  const members = rewardMembers(shop);
  const offers = simulatorRewards(shop.params.pastLoyalty!);
  const end = shop.calendar.historyDays;
  const value = { grossMargin: 0.4, shopMedianOrder: 70 };
  const run = runRewardRecommendations(members, offers, end, HORIZON, { value });
  if (!run.ok || run.method !== "model" || "reason" in run.evaluation) throw new Error("expected a model");
  const truth = new Map(shop.truths.map((t) => [String(t.customerId), t]));
  const oracle = precisionAt1(
    members,
    end - HORIZON,
    HORIZON,
    simulatorRule(offers, end - HORIZON, (id) => truth.get(id)),
  );
  // AUC of P(redeem r within 90 days) on the test rows against "the rule's pick" as a 0/1 score.
  const test = buildDataset(members, offers, end - HORIZON, HORIZON);
  const train = fitRewardModel(buildDataset(members, offers, end - 2 * HORIZON, HORIZON));
  if (!train.ok) throw new Error(train.reason);
  const [affordable, better] = [FEATURES.indexOf("affordable"), FEATURES.indexOf("betterAffordable")];
  const ruleAuc = auc(
    test.X.map((x, i) => ({ score: x[affordable]! * (1 - x[better]!), positive: test.y[i] === 1 })),
  )!;
  const modelAuc = auc(
    test.X.map((x, i) => ({ score: predictRedemption(train.model, x), positive: test.y[i] === 1 })),
  )!;
  return {
    evaluation: run.evaluation as RewardEvaluation,
    oracle,
    ruleAuc,
    modelAuc,
    redemptions: shop.redemptions.length,
  };
}

describe("reward recommendations on simulator shops (time holdout)", () => {
  it.each([
    ["the demo's two rewards", undefined],
    ["a ladder of four rewards", LADDER],
  ])(
    "%s: the model names the next reward far better than popularity, cheapest or random",
    (_, rewards) => {
      const { evaluation: e, oracle, ruleAuc, modelAuc, redemptions } = evaluate(rewards);
      const figures = {
        redemptions,
        redeemers: e.model.members,
        model: e.model.precisionAt1,
        modelByExpectedValue: e.modelByExpectedValue.precisionAt1,
        mostPopular: e.mostPopular.precisionAt1,
        cheapestAffordable: e.cheapestAffordable.precisionAt1,
        random: e.random,
        affordabilityRule: e.affordabilityRule.precisionAt1,
        simulatorRule: oracle.precisionAt1,
        auc: e.auc,
        ruleAuc,
      };
      console.info("precision@1 and AUC", JSON.stringify(figures));
      expect(modelAuc).toBeCloseTo(e.auc!, 12);
      expect(e.model.members).toBeGreaterThan(400);
      // Against the baselines.
      expect(e.model.precisionAt1!).toBeGreaterThan(e.mostPopular.precisionAt1! + 0.05);
      expect(e.model.precisionAt1!).toBeGreaterThan(e.cheapestAffordable.precisionAt1! + 0.05);
      expect(e.model.precisionAt1!).toBeGreaterThan(e.random! + 0.35);
      // As good as the simulator's own rule at the cutoff (within 2 points), which knows the true basket.
      expect(e.model.precisionAt1!).toBeGreaterThan(oracle.precisionAt1! - 0.02);
      // Ranking by expected value (the recommendation) costs little hit rate.
      expect(e.modelByExpectedValue.precisionAt1!).toBeGreaterThan(e.model.precisionAt1! - 0.03);
      // Its probabilities rank (member, reward) rows better than the rule's 0/1 pick.
      expect(e.auc!).toBeGreaterThan(0.9);
      expect(e.auc!).toBeGreaterThan(ruleAuc + 0.05);
    },
    300_000,
  );
});
