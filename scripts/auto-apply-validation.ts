// The auto-apply line of `npm run validate:experiments` (issue 16, item 9): "auto-apply never
// ships a guardrail-breaching arm across the replications". A pure simulation (no database) of
// a bandit run by the app's own code at each hourly period: the allocation update
// (stats/bandit-allocation.ts), the period-weighted guardrails (auto-apply-evidence.ts), the
// sample-ratio check against the allocations' expected shares, and the auto-apply rule
// (auto-apply.ts) with its defaults, evaluated after every update as the worker does. A ship
// or a pause ends the replication, as it ends the experiment.
//
// Members: net revenue per member ~ Normal(μ_arm, 1) (the primary metric) and reward cost per
// member ~ Gamma(shape 4, mean κ_arm) (a guardrail: it may not rise by more than 25%). In
// both scenarios arm C has the best revenue; in "breach" its reward cost is 60% above the
// control's, in "safe" 10%. Every arm draws from its own seeded streams (common random
// numbers across scenarios).
import {
  autoApplyDecision,
  DEFAULT_AUTO_APPLY,
  type BanditUpdateRecord,
} from "../app/experiments/auto-apply";
import { banditGuardrails } from "../app/experiments/auto-apply-evidence";
import { banditUpdate, equalShares, type BanditSettings } from "../app/experiments/stats/bandit-allocation";
import type { MeanStats } from "../app/experiments/stats/estimates";
import { SeededRandom } from "../app/experiments/stats/random";
import { sampleRatioMismatch } from "../app/experiments/stats/srm";
import { VALIDATION_SETTINGS } from "./bandit-validation";

export interface AutoApplyScenario {
  name: string;
  /** Net revenue per member by arm (control first). */
  revenue: number[];
  /** Reward cost per member by arm. */
  cost: number[];
  periods: number;
  perPeriod: number;
}

const ARMS = ["control", "b", "c"];
export const AUTO_APPLY_SCENARIOS: AutoApplyScenario[] = [
  { name: "breach", revenue: [1, 1.05, 1.15], cost: [0.2, 0.21, 0.32], periods: 168, perPeriod: 100 },
  { name: "near-breach", revenue: [1, 1.05, 1.15], cost: [0.2, 0.21, 0.27], periods: 168, perPeriod: 100 },
  { name: "safe", revenue: [1, 1.05, 1.15], cost: [0.2, 0.21, 0.22], periods: 168, perPeriod: 100 },
];
export const COST_LIMIT = 0.25;

/** The product's bandit defaults for the floor (5%), the validation's for burn-in and step. */
export const AUTO_APPLY_BANDIT: BanditSettings = { ...VALIDATION_SETTINGS, minShare: 0.05 };

export interface Replication {
  outcome: "shipped" | "paused" | "none";
  arm?: string;
  period?: number;
  reasons?: string[];
}

const empty = (): MeanStats => ({ n: 0, sum: 0, sumSquares: 0 });
const add = (s: MeanStats, y: number) => {
  s.n++;
  s.sum += y;
  s.sumSquares += y * y;
};

export function replicate(scenario: AutoApplyScenario, seed: number): Replication {
  const streams = ARMS.map((_, a) => new SeededRandom((seed * 7919 + a * 104_729 + 1) >>> 0));
  const assign = new SeededRandom(seed ^ 0x5bd1e995);
  const revenue: MeanStats[][] = [];
  const cost: MeanStats[][] = [];
  const updates: BanditUpdateRecord[] = [];
  const expected = ARMS.map(() => 0);
  const members = ARMS.map(() => 0);
  const start = Date.UTC(2026, 10, 1);
  let weights = equalShares(ARMS.length);
  for (let p = 0; p < scenario.periods; p++) {
    if (p > 0) {
      const update = banditUpdate({
        periods: revenue,
        kind: "mean",
        current: weights,
        periodIndex: p,
        settings: AUTO_APPLY_BANDIT,
      });
      weights = update.weights;
      const now = new Date(start + p * 3_600_000);
      updates.push({
        period: p,
        at: now,
        phase: update.phase,
        probabilityBest: update.posterior?.arms.map((a) => a.probabilityBest) ?? null,
      });
      const decision = autoApplyDecision({
        settings: DEFAULT_AUTO_APPLY,
        now,
        launchedAt: new Date(start),
        arms: ARMS.map((key, a) => ({ key, name: key, control: a === 0, members: members[a]! })),
        srm: sampleRatioMismatch(members, expected),
        guardrails: banditGuardrails(
          [{ metric: "Reward cost per member", higherIsBetter: false, threshold: COST_LIMIT, periods: cost }],
          ARMS,
          0,
          {
            minStratumMembers: AUTO_APPLY_BANDIT.minStratumMembers,
            weighting: AUTO_APPLY_BANDIT.periodWeighting,
          },
        ),
        primary: { kind: "bandit", metric: "Net revenue per member", cadenceMinutes: 60, updates },
      });
      if (decision.action === "ship") return { outcome: "shipped", arm: decision.variant, period: p };
      if (decision.action === "block") return { outcome: "paused", period: p, reasons: decision.reasons };
    }
    const r = ARMS.map(empty);
    const c = ARMS.map(empty);
    for (let i = 0; i < scenario.perPeriod; i++) {
      const a = assign.categorical(weights);
      const stream = streams[a]!;
      add(r[a]!, scenario.revenue[a]! + stream.normal());
      add(c[a]!, (stream.gamma(4) * scenario.cost[a]!) / 4);
      members[a]!++;
    }
    weights.forEach((w, a) => (expected[a]! += w * scenario.perPeriod));
    revenue.push(r);
    cost.push(c);
  }
  return { outcome: "none" };
}

export interface ScenarioResult {
  replications: number;
  shipped: Record<string, number>;
  paused: number;
  none: number;
  /** Median period of the ship or pause (null if none). */
  medianPeriod: number | null;
}

export function runAutoApplyScenario(
  scenario: AutoApplyScenario,
  replications: number,
  seed: number,
): ScenarioResult {
  const shipped: Record<string, number> = Object.fromEntries(ARMS.map((a) => [a, 0]));
  let paused = 0;
  let none = 0;
  const periods: number[] = [];
  for (let r = 0; r < replications; r++) {
    const result = replicate(scenario, seed + r * 1_000_003);
    if (result.outcome === "shipped") shipped[result.arm!]!++;
    else if (result.outcome === "paused") paused++;
    else none++;
    if (result.period !== undefined) periods.push(result.period);
  }
  periods.sort((a, b) => a - b);
  return {
    replications,
    shipped,
    paused,
    none,
    medianPeriod: periods.length ? periods[Math.floor(periods.length / 2)]! : null,
  };
}
