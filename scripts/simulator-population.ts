import { bucketOf, BUCKETS } from "../app/experiments/assignment";
import type { MeanStats } from "../app/experiments/stats/estimates";
import { liveUnderProgram, type LifeContext, type SimMember } from "../simulator/app-life";
import { Rng, hashString } from "../simulator/random/rng";
import { customerState } from "../simulator/scenario/ground-truth";
import { responder } from "../simulator/scenario/respond";
import { parseScenario, type Scenario } from "../simulator/scenario/schema";
import { customerBatches, defineShop } from "../simulator/shop";
import { variantProgram } from "../simulator/sim";

// A known effect in the simulator's ground truth, for validating the experiment statistics
// on the simulator's own customers: every buyer of a generated shop lives the window once
// under the control program and once under the treatment (common random numbers, the app's
// earning and redemption rules), so each customer's outcome under either arm is known.
// An experiment draws customers from these buyers and splits them by the app's own assignment
// hash under a fresh salt, and the truth is the population's lift in net revenue per exposed member
// (every member drawn: the app exposes at assignment, ADR 0020 amended), the quantity the
// app's analysis estimates.

const REWARDS = [
  { id: "five-off", pointsCost: 100, valueMinor: 500 },
  { id: "ten-off", pointsCost: 180, valueMinor: 1000 },
];

export const KNOWN_EFFECT_SCENARIO: Scenario = parseScenario({
  name: "validate-known-effect",
  shop: { seed: 4242, customers: 30_000 },
  response: {
    membership: { frequencyLift: 0.04 },
    earnRate: { referenceRewardRate: 0.05, elasticity: 0.3, maxMultiplier: 1.6 },
    redemption: { intercept: -1.2, perCurrencyUnit: 0.08 },
  },
  variants: [
    { key: "standard", program: { pointsPerCurrencyUnit: 1, rewards: REWARDS } },
    { key: "triple-points", program: { pointsPerCurrencyUnit: 3, rewards: REWARDS } },
  ],
  truth: { horizonDays: 60, replications: 1, maxCustomers: 30_000 },
});

/** Per buyer, net revenue (major units) in the window under each arm, and whether they were exposed. */
export interface Population {
  ids: string[];
  revenue: [Float64Array, Float64Array];
  exposed: [Uint8Array, Uint8Array];
}

export function knownEffectPopulation(scenario = KNOWN_EFFECT_SCENARIO): Population {
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
  const arms = scenario.variants.map((v) => variantProgram(v, definition.params.currency));
  const revenue: [Float64Array, Float64Array] = [
    new Float64Array(members.length),
    new Float64Array(members.length),
  ];
  const exposed: [Uint8Array, Uint8Array] = [new Uint8Array(members.length), new Uint8Array(members.length)];
  for (let arm = 0; arm < 2; arm++)
    members.forEach((m, i) => {
      const life = liveUnderProgram(ctx, m, arms[arm]!, { heldOut: false });
      revenue[arm]![i] = life.netRevenueMinor / 100;
      // Exposure at assignment: every member, buyer in the window or not.
      exposed[arm]![i] = 1;
    });
  return { ids: members.map((m) => m.id), revenue, exposed };
}

/** The population's true lift and each arm's moments over exposed members (the power calculation's inputs). */
export function populationTruth(p: Population) {
  const moments = [0, 1].map((arm) => {
    let n = 0;
    let sum = 0;
    let sumSquares = 0;
    p.revenue[arm]!.forEach((y, i) => {
      if (!p.exposed[arm]![i]) return;
      n++;
      sum += y;
      sumSquares += y * y;
    });
    const mean = sum / n;
    return { n, mean, variance: (sumSquares - n * mean * mean) / (n - 1) };
  });
  // Each buyer's two potential outcomes are strongly correlated (the same customer, common
  // random numbers), so a buyer drawn into both arms of one uniform draw with replacement
  // ties the arms' means: Cov(ȳ_c, ȳ_t) = Σ_i (y_ci − μ_c)(y_ti − μ_t) / (N_c·N_t) over the
  // buyers exposed in both, whatever the draw's size (N_c, N_t: exposed buyers per arm).
  let cross = 0;
  p.revenue[0].forEach((y, i) => {
    if (!p.exposed[0][i] || !p.exposed[1][i]) return;
    cross += (y - moments[0]!.mean) * (p.revenue[1][i]! - moments[1]!.mean);
  });
  return {
    lift: moments[1]!.mean / moments[0]!.mean - 1,
    control: moments[0]!,
    treatment: moments[1]!,
    meansCovariance: cross / (moments[0]!.n * moments[1]!.n),
    buyers: p.ids.length,
  };
}

/**
 * One experiment: `size` customers drawn at random with replacement from the buyers (so they
 * are independent draws from a population whose true lift is the buyers' lift, as the
 * intervals assume; a split of the same finite set of buyers would cover more often than
 * nominal), split 50/50 by the app's assignment hash under a fresh salt.
 */
export function splitExperiment(
  p: Population,
  salt: string,
  rng: Rng,
  size = p.ids.length / 2,
): [MeanStats, MeanStats] {
  const arms: [MeanStats, MeanStats] = [
    { n: 0, sum: 0, sumSquares: 0 },
    { n: 0, sum: 0, sumSquares: 0 },
  ];
  for (let k = 0; k < size; k++) {
    const i = rng.int(p.ids.length);
    const arm = bucketOf("validate.myshopify.com", salt, `${p.ids[i]!}:${k}`) < BUCKETS / 2 ? 0 : 1;
    if (!p.exposed[arm]![i]) continue;
    const y = p.revenue[arm]![i]!;
    const stats = arms[arm];
    stats.n++;
    stats.sum += y;
    stats.sumSquares += y * y;
  }
  return arms;
}
