// The contextual bandit lines of `npm run validate:experiments -- --only bandits` (issue 16,
// item 2): members arrive from segments in fixed shares, each (segment, arm) with its own true
// mean; the app's pooled Thompson sampler (stats/bandit-allocation.ts, as the job runs it) is
// compared with the same sampler plus per-segment allocations (stats/bandit-contextual.ts:
// posteriors shrunk toward the pooled order, an allocation for each segment with enough
// members, the pooled one for the others). Regret is per member against the best arm of the
// member's own segment, so a policy that ignores segments pays for the segments whose best
// arm differs. Common random numbers: each (segment, arm) draws from its own seeded stream.
import { banditUpdate, equalShares, type BanditSettings } from "../app/experiments/stats/bandit-allocation";
import { contextualUpdate } from "../app/experiments/stats/bandit-contextual";
import type { RewardKind } from "../app/experiments/stats/bandit-posterior";
import type { MeanStats } from "../app/experiments/stats/estimates";
import { SeededRandom } from "../app/experiments/stats/random";

export interface ContextualScenario {
  name: string;
  kind: RewardKind;
  /** Each segment's share of arriving members. */
  shares: number[];
  /** `means[s][a]`: the true mean of arm a in segment s. */
  means: number[][];
  sd: number;
  periods: number;
  perPeriod: number;
  /** What the line checks: contextual regret below the pooled one, or not materially above it. */
  target: "below" | "not-worse";
}

export const CONTEXTUAL_SCENARIOS: ContextualScenario[] = [
  {
    name: "best-arm-differs-by-segment",
    kind: "mean",
    shares: [0.6, 0.25, 0.15],
    means: [
      [1, 1.2],
      [1.2, 1],
      [1.2, 1],
    ],
    sd: 1,
    periods: 168,
    perPeriod: 100,
    target: "below",
  },
  {
    name: "conversion-best-arm-differs-by-segment",
    kind: "binary",
    shares: [0.5, 0.3, 0.2],
    means: [
      [0.1, 0.14, 0.12],
      [0.14, 0.1, 0.12],
      [0.1, 0.1, 0.15],
    ],
    sd: 0,
    periods: 168,
    perPeriod: 100,
    target: "below",
  },
  {
    name: "segments-differ-in-level-only",
    kind: "mean",
    shares: [0.5, 0.3, 0.15, 0.05],
    means: [
      [1, 1.1],
      [1.6, 1.7],
      [0.6, 0.7],
      [2, 2.1],
    ],
    sd: 1,
    periods: 168,
    perPeriod: 100,
    target: "not-worse",
  },
];

/** "Not materially worse": contextual regret at most this multiple of the pooled one. */
export const NOT_WORSE_RATIO = 1.15;

class SegmentRewards {
  private streams: SeededRandom[][];
  constructor(
    private scenario: ContextualScenario,
    seed: number,
  ) {
    this.streams = scenario.means.map((row, s) =>
      row.map((_, a) => new SeededRandom((seed * 7919 + s * 15_485_863 + a * 104_729 + 1) >>> 0)),
    );
  }
  pull(segment: number, arm: number): number {
    const random = this.streams[segment]![arm]!;
    const mean = this.scenario.means[segment]![arm]!;
    return this.scenario.kind === "binary"
      ? random.uniform() < mean
        ? 1
        : 0
      : mean + this.scenario.sd * random.normal();
  }
}

const empty = (arms: number): MeanStats[] =>
  Array.from({ length: arms }, () => ({ n: 0, sum: 0, sumSquares: 0 }));

function run(
  scenario: ContextualScenario,
  settings: BanditSettings,
  contextual: boolean,
  seed: number,
): number {
  const arms = scenario.means[0]!.length;
  const segments = scenario.shares.length;
  const rewards = new SegmentRewards(scenario, seed);
  const random = new SeededRandom(seed ^ 0x5bd1e995);
  const pooledPeriods: MeanStats[][] = [];
  const segmentPeriods: MeanStats[][][] = Array.from({ length: segments }, () => []);
  let pooledWeights = equalShares(arms);
  let segmentWeights = new Map<string, number[]>();
  let regret = 0;
  for (let p = 0; p < scenario.periods; p++) {
    if (p > 0) {
      const before = pooledWeights;
      const pooled = banditUpdate({
        periods: pooledPeriods,
        kind: scenario.kind,
        current: before,
        periodIndex: p,
        settings,
        draws: 1_000,
      });
      pooledWeights = pooled.weights;
      if (contextual) {
        const update = contextualUpdate({
          segments: segmentPeriods.map((periods, s) => ({ key: String(s), periods })),
          kind: scenario.kind,
          pooled,
          current: segmentWeights,
          pooledCurrent: before,
          settings,
          minSegmentMembers: settings.minMembersPerArm * arms,
          seed: p + 1,
          draws: 1_000,
        });
        segmentWeights = new Map(update.segments.flatMap((o) => (o.allocated ? [[o.key, o.weights]] : [])));
      }
    }
    const period = empty(arms);
    const bySegment = Array.from({ length: segments }, () => empty(arms));
    for (let i = 0; i < scenario.perPeriod; i++) {
      const segment = random.categorical(scenario.shares);
      const weights = segmentWeights.get(String(segment)) ?? pooledWeights;
      const arm = random.categorical(weights);
      const y = rewards.pull(segment, arm);
      for (const stats of [period[arm]!, bySegment[segment]![arm]!]) {
        stats.n++;
        stats.sum += y;
        stats.sumSquares += y * y;
      }
      const row = scenario.means[segment]!;
      regret += Math.max(...row) - row[arm]!;
    }
    pooledPeriods.push(period);
    bySegment.forEach((stats, s) => segmentPeriods[s]!.push(stats));
  }
  return regret;
}

const summary = (values: number[]) => {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, se: Math.sqrt(variance / values.length) };
};

/** Mean cumulative regret of the pooled and the contextual policy, same seeds, with the s.e. of their paired difference. */
export function runContextualScenario(
  scenario: ContextualScenario,
  settings: BanditSettings,
  replications: number,
  seed: number,
) {
  const pooled: number[] = [];
  const contextual: number[] = [];
  for (let r = 0; r < replications; r++) {
    const replicationSeed = seed + r * 1_000_003;
    pooled.push(run(scenario, settings, false, replicationSeed));
    contextual.push(run(scenario, settings, true, replicationSeed));
  }
  return {
    pooled: summary(pooled),
    contextual: summary(contextual),
    difference: summary(contextual.map((c, i) => c - pooled[i]!)),
  };
}
