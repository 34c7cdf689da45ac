// The threshold optimizer's line of `npm run validate:experiments` (issue 16, items 5 and 9):
// on simulator scenarios whose true best reward cost is known (simulator/scenarios/threshold-*.json,
// one interior, one at an edge of the range), how often the optimizer recommends the true best
// within the scenario's horizon. A pure simulation, no database:
//
// - The population: the scenario shop's buyers (up to `truth.maxCustomers`), each living the
//   window `truth.horizonDays` once under every candidate's program with the app's own rules
//   (simulator/app-life.ts: earning, redemption; common random numbers), so each member's net
//   margin (net revenue × gross margin − reward cost, the app's `netMargin`) under each
//   candidate is known. The truth is the population's mean per candidate; the best is its argmax.
// - A replication: `periods` allocation periods of `membersPerPeriod` members drawn at random
//   with replacement from the population; each member goes to a candidate by the allocation in
//   force, and the app's own update (stats/bandit-allocation.ts `banditUpdate`, with the
//   settings the optimizer launches: OPTIMIZER_BANDIT) moves the allocation after each period.
//   A member's outcome is their whole window, revealed at the end of their period (as
//   scripts/bandit-validation.ts does); the app reads it as it accrues (see the ADR).
// - The recommendation: after the last period, the same update's posterior, and the arm most
//   likely to be best (`recommendedArm`, what the report recommends).
import { banditSettings, banditInputSchema } from "../app/experiments/definition";
import { OPTIMIZER_BANDIT, recommendedArm } from "../app/experiments/optimizer";
import { banditUpdate, equalShares } from "../app/experiments/stats/bandit-allocation";
import type { MeanStats } from "../app/experiments/stats/estimates";
import { SeededRandom } from "../app/experiments/stats/random";
import { liveUnderProgram, type LifeContext, type SimMember } from "../simulator/app-life";
import { Rng, hashString } from "../simulator/random/rng";
import { customerState } from "../simulator/scenario/ground-truth";
import { loadScenario } from "../simulator/scenario/load";
import { responder } from "../simulator/scenario/respond";
import type { Scenario } from "../simulator/scenario/schema";
import { customerBatches, defineShop } from "../simulator/shop";
import { variantProgram } from "../simulator/sim";

export const THRESHOLD_SCENARIOS = ["threshold-interior", "threshold-edge"];

export interface ThresholdPopulation {
  scenario: Scenario;
  /** outcomes[arm][member]: net margin in major units over the window. */
  outcomes: Float64Array[];
  means: number[];
  best: number;
}

export function thresholdPopulation(name: string): ThresholdPopulation {
  const scenario = loadScenario(new URL(`../simulator/scenarios/${name}.json`, import.meta.url).pathname);
  const optimizer = scenario.optimizer;
  if (!optimizer) throw new Error(`${name} has no optimizer block`);
  const definition = defineShop({
    ...scenario.shop,
    horizonDays: Math.max(scenario.shop.horizonDays, scenario.truth.horizonDays),
  });
  const members: SimMember[] = [];
  for (const batch of customerBatches(definition))
    batch.customers.forEach((c, i) => {
      if (c.latent.buyer && members.length < scenario.truth.maxCustomers)
        members.push({ index: c.index, id: String(c.id), state: customerState(c, batch.histories[i]!) });
    });
  const ctx: LifeContext = {
    calendar: definition.calendar,
    days: scenario.truth.horizonDays,
    seed: definition.params.seed,
    respond: responder(scenario.response),
    rng: new Rng(hashString(scenario.name)),
  };
  const margin = optimizer.grossMarginPercent / 100;
  const outcomes = scenario.variants.map((v) => {
    const program = variantProgram(v, definition.params.currency);
    const out = new Float64Array(members.length);
    members.forEach((m, i) => {
      const life = liveUnderProgram(ctx, m, program, { heldOut: false });
      out[i] = (life.netRevenueMinor * margin - life.rewardCostMinor) / 100;
    });
    return out;
  });
  const means = outcomes.map((o) => o.reduce((s, y) => s + y, 0) / o.length);
  const best = means.reduce((b, m, i) => (m > means[b]! ? i : b), 0);
  return { scenario, outcomes, means, best };
}

const SETTINGS = banditSettings(banditInputSchema.parse(OPTIMIZER_BANDIT))!;

/** One search: the index of the arm recommended at the end of the horizon, or -1 without a posterior. */
export function runSearch(population: ThresholdPopulation, seed: number): number {
  const { periods, membersPerPeriod } = population.scenario.optimizer!;
  const arms = population.outcomes.length;
  const size = population.outcomes[0]!.length;
  const random = new SeededRandom(seed >>> 0);
  const data: MeanStats[][] = [];
  let weights = equalShares(arms);
  const update = (periodIndex: number) =>
    banditUpdate({
      periods: data,
      kind: "mean",
      current: weights,
      periodIndex,
      settings: { ...SETTINGS, minStratumMembers: 100, periodWeighting: "precision" },
      seed: periodIndex + 1,
    });
  for (let p = 0; p < periods; p++) {
    if (p > 0) weights = update(p).weights;
    const period = Array.from({ length: arms }, (): MeanStats => ({ n: 0, sum: 0, sumSquares: 0 }));
    for (let k = 0; k < membersPerPeriod; k++) {
      const member = Math.floor(random.uniform() * size);
      const arm = random.categorical(weights);
      const y = population.outcomes[arm]![member]!;
      const s = period[arm]!;
      s.n++;
      s.sum += y;
      s.sumSquares += y * y;
    }
    data.push(period);
  }
  const last = update(periods).posterior;
  if (!last) return -1;
  const best = recommendedArm(last.arms.map((a, i) => ({ ...a, index: i })));
  return best ? best.index : -1;
}

/** The share of `replications` searches that recommend the true best. */
export function successRate(population: ThresholdPopulation, replications: number, seed: number) {
  const picks = new Array<number>(population.outcomes.length + 1).fill(0);
  for (let r = 0; r < replications; r++) {
    const pick = runSearch(population, seed + r * 1_000_003);
    picks[pick < 0 ? population.outcomes.length : pick]!++;
  }
  return { rate: picks[population.best]! / replications, picks };
}
