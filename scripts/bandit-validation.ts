// The bandit lines of `npm run validate:experiments` (issue 16, item 9): on Bernoulli and
// normal reward scenarios with 2–5 arms, the cumulative regret of the app's Thompson sampler
// (stats/bandit-allocation.ts exactly as the hourly job runs it: batches of members per
// period, period-weighted posteriors, burn-in, minimum share, maximum change) against
// ε-greedy and UCB1, and against an oracle-tuned Thompson sampler. A pure simulation of the
// policies (no database): each replication draws every arm's rewards from its own seeded
// stream, so all policies see the same reward for the k-th member they send to an arm
// (common random numbers), and regret is the pseudo-regret Σ (μ* − μ_arm) over members.
//
// Every policy learns at the product's cadence: rewards reach it at the end of each period
// (the hourly job sees an hour's members at once), so the comparison is between policies the
// app could run. ε-greedy explores 10% of members uniformly; UCB1 uses the index
// mean + σ√(2 ln t / n) with the rewards' true spread σ (1 for Bernoulli, UCB1's bound) and
// counts the members already sent this period in n. The oracle is Thompson sampling with
// the exact conjugate posterior of the true model (no drift, so periods pooled; Beta(1, 1) for
// Bernoulli; the true σ for normal rewards) under the same guardrails, so "within 25% of it"
// bounds what estimating the variance and period weighting cost.
import {
  banditUpdate,
  equalShares,
  limitChange,
  withMinimumShare,
  type BanditSettings,
} from "../app/experiments/stats/bandit-allocation";
import { bestArms } from "../app/experiments/stats/bandit-best";
import type { ArmPosterior, RewardKind } from "../app/experiments/stats/bandit-posterior";
import type { MeanStats } from "../app/experiments/stats/estimates";
import { SeededRandom } from "../app/experiments/stats/random";

export interface BanditScenario {
  name: string;
  kind: RewardKind;
  means: number[];
  /** Noise sd of a normal reward (Bernoulli: implied by the mean). */
  sd: number;
  periods: number;
  perPeriod: number;
}

const normalScenario = (name: string, means: number[]): BanditScenario => ({
  name,
  kind: "mean",
  means,
  sd: 1,
  periods: 168,
  perPeriod: 100,
});
const bernoulliScenario = (name: string, means: number[]): BanditScenario => ({
  name,
  kind: "binary",
  means,
  sd: 1,
  periods: 168,
  perPeriod: 100,
});

export const BANDIT_SCENARIOS: BanditScenario[] = [
  bernoulliScenario("bernoulli-2-arms", [0.1, 0.13]),
  bernoulliScenario("bernoulli-3-arms", [0.1, 0.12, 0.14]),
  bernoulliScenario("bernoulli-5-arms", [0.1, 0.11, 0.12, 0.13, 0.15]),
  normalScenario("normal-2-arms", [1, 1.1]),
  normalScenario("normal-3-arms", [1, 1.05, 1.15]),
  normalScenario("normal-5-arms", [1, 1.05, 1.1, 1.15, 1.25]),
];

/** The settings the validation runs the product policy with (stated in the output). */
export const VALIDATION_SETTINGS: BanditSettings = {
  burnInPeriods: 3,
  minShare: 0.01,
  maxChange: 0.3,
  minMembersPerArm: 100,
  minStratumMembers: 100,
  periodWeighting: "fixed-effects",
};

class Rewards {
  private streams: SeededRandom[];
  constructor(
    private scenario: BanditScenario,
    seed: number,
  ) {
    this.streams = scenario.means.map((_, arm) => new SeededRandom((seed * 7919 + arm * 104_729 + 1) >>> 0));
  }
  pull(arm: number): number {
    const random = this.streams[arm]!;
    const mean = this.scenario.means[arm]!;
    return this.scenario.kind === "binary"
      ? random.uniform() < mean
        ? 1
        : 0
      : mean + this.scenario.sd * random.normal();
  }
}

type Policy = (scenario: BanditScenario, rewards: Rewards, random: SeededRandom) => number;

const regretOf = (scenario: BanditScenario, arm: number) =>
  Math.max(...scenario.means) - scenario.means[arm]!;

type Allocate = (
  scenario: BanditScenario,
  periods: MeanStats[][],
  current: number[],
  periodIndex: number,
) => number[];

/** The app's update, exactly as the job calls it. */
const productAllocate: Allocate = (scenario, periods, current, periodIndex) =>
  banditUpdate({
    periods,
    kind: scenario.kind,
    current,
    periodIndex,
    settings: VALIDATION_SETTINGS,
    draws: 1_000,
  }).weights;

/**
 * The oracle: the same cadence and the same guardrails (burn-in, minimum share, maximum
 * change), but the exact posterior of a model it knows to be true: no drift between periods
 * (so it pools them), Beta(1, 1) for Bernoulli, the true σ for normal rewards. What the
 * product gives up against it is the cost of estimating the variance and of period weighting.
 */
const oracleAllocate: Allocate = (scenario, periods, current, periodIndex) => {
  const settings = VALIDATION_SETTINGS;
  if (periodIndex < settings.burnInPeriods) return equalShares(current.length);
  const pooled = current.map((_, a) =>
    periods.reduce((s, p) => ({ n: s.n + p[a]!.n, sum: s.sum + p[a]!.sum }), { n: 0, sum: 0 }),
  );
  if (pooled.some((a) => a.n === 0)) return current;
  const posteriors: ArmPosterior[] = pooled.map((a) =>
    scenario.kind === "binary"
      ? { kind: "beta", alpha: 1 + a.sum, beta: 1 + a.n - a.sum, mean: 0, sd: 0 }
      : { kind: "normal", mean: a.sum / a.n, sd: scenario.sd / Math.sqrt(a.n) },
  );
  const best = bestArms(posteriors, { draws: 1_000, seed: periodIndex + 1 });
  return limitChange(current, withMinimumShare(best.probabilities, settings.minShare), settings.maxChange);
};

/** A policy that sets shares per period; members are assigned at random by the shares. */
const allocating =
  (allocate: Allocate): Policy =>
  (scenario, rewards, random) => {
    const arms = scenario.means.length;
    const periods: MeanStats[][] = [];
    let weights = equalShares(arms);
    let regret = 0;
    for (let p = 0; p < scenario.periods; p++) {
      if (p > 0) weights = allocate(scenario, periods, weights, p);
      const period = Array.from({ length: arms }, () => ({ n: 0, sum: 0, sumSquares: 0 }));
      for (let i = 0; i < scenario.perPeriod; i++) {
        const arm = random.categorical(weights);
        const y = rewards.pull(arm);
        const s = period[arm]!;
        s.n++;
        s.sum += y;
        s.sumSquares += y * y;
        regret += regretOf(scenario, arm);
      }
      periods.push(period);
    }
    return regret;
  };

/**
 * Shared loop of the baselines at the product's cadence: what a policy knows (each arm's
 * count and sum of rewards) is updated at the end of each period, as the hourly job's data
 * are; `choose` picks each member's arm from that and the members already sent this period.
 */
function batched(
  choose: (counts: number[], sums: number[], pending: number[], t: number, random: SeededRandom) => number,
): Policy {
  return (scenario, rewards, random) => {
    const arms = scenario.means.length;
    const counts = new Array<number>(arms).fill(0);
    const sums = new Array<number>(arms).fill(0);
    let regret = 0;
    let t = 0;
    for (let p = 0; p < scenario.periods; p++) {
      const pending = new Array<number>(arms).fill(0);
      const pendingSums = new Array<number>(arms).fill(0);
      for (let i = 0; i < scenario.perPeriod; i++, t++) {
        // Until every arm has data, members go round the arms (each policy's own start).
        const arm = counts.some((n) => n === 0) ? t % arms : choose(counts, sums, pending, t, random);
        pending[arm]!++;
        pendingSums[arm]! += rewards.pull(arm);
        regret += regretOf(scenario, arm);
      }
      pending.forEach((n, a) => {
        counts[a]! += n;
        sums[a]! += pendingSums[a]!;
      });
    }
    return regret;
  };
}

const argmax = (values: number[]) => values.reduce((best, v, i) => (v > values[best]! ? i : best), 0);

/** ε-greedy: the arm with the best mean so far, or with probability ε a uniformly random arm. */
const epsilonGreedy = (epsilon: number): Policy =>
  batched((counts, sums, _pending, _t, random) =>
    random.uniform() < epsilon
      ? Math.floor(random.uniform() * counts.length)
      : argmax(sums.map((s, i) => s / counts[i]!)),
  );

/** UCB1 (Auer et al. 2002) with the members already sent this period counted in n (batched UCB). */
const ucb1: Policy = (scenario, rewards, random) =>
  batched((counts, sums, pending, t) =>
    argmax(
      sums.map(
        (s, i) =>
          s / counts[i]! + scenario.sd * Math.sqrt((2 * Math.log(t + 1)) / (counts[i]! + pending[i]!)),
      ),
    ),
  )(scenario, rewards, random);

export const POLICIES = {
  thompson: allocating(productAllocate),
  epsilonGreedy: epsilonGreedy(0.1),
  ucb1,
  oracle: allocating(oracleAllocate),
};

export type PolicyName = keyof typeof POLICIES;

/** Mean cumulative regret of each policy over `replications`, same seeds for every policy. */
export function runScenario(
  scenario: BanditScenario,
  replications: number,
  seed: number,
): Record<PolicyName, { mean: number; se: number }> {
  const out = {} as Record<PolicyName, { mean: number; se: number }>;
  for (const [name, policy] of Object.entries(POLICIES) as [PolicyName, Policy][]) {
    const values: number[] = [];
    for (let r = 0; r < replications; r++) {
      const replicationSeed = seed + r * 1_000_003;
      values.push(
        policy(
          scenario,
          new Rewards(scenario, replicationSeed),
          new SeededRandom(replicationSeed ^ 0x5bd1e995),
        ),
      );
    }
    const mean = values.reduce((s, v) => s + v, 0) / replications;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, replications - 1);
    out[name] = { mean, se: Math.sqrt(variance / replications) };
  }
  return out;
}
