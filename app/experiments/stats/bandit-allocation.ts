import { bestArms, correlatedBestArms } from "./bandit-best";
import {
  armPosteriors,
  type ArmPosterior,
  type BanditPrior,
  type PeriodWeighting,
  type RewardKind,
  type WeightedArm,
} from "./bandit-posterior";
import type { MeanStats } from "./estimates";

// The next allocation of a bandit (Thompson sampling in batches, ADR 0038-bandits): the
// target share of each arm is its posterior probability of being best, then
//   1. during the burn-in (the first `burnInPeriods` periods) every arm gets an equal share;
//   2. until every arm has data and the experiment has `minMembersPerArm` × arms members,
//      the allocation in force stays (GrowthBook waits for 100 × arms);
//   3. no arm gets less than `minShare` (the target is water-filled up to it), so a
//      losing arm keeps being measured in case behaviour drifts (GrowthBook keeps 1%);
//   4. no arm moves by more than `maxChange` in one update: the step goes from the current
//      allocation toward the target, shortened so its largest move is `maxChange`. The current
//      and target allocations both satisfy (3) and sum to 1, so every point between does.

export interface BanditSettings {
  burnInPeriods: number;
  /** Each arm's least share, 0 ≤ minShare ≤ 1/arms. */
  minShare: number;
  /** The largest change of one arm's share in one update, in (0, 1]. */
  maxChange: number;
  /** Members per arm (on average) before the posterior moves traffic. */
  minMembersPerArm: number;
  /** Periods are merged into strata with at least this many members of every arm (0: none; bandit-posterior.ts). */
  minStratumMembers: number;
  /** How periods are weighted (bandit-posterior.ts `PeriodWeighting`). */
  periodWeighting: PeriodWeighting;
}

export const DEFAULT_BANDIT_SETTINGS: BanditSettings = {
  burnInPeriods: 24,
  minShare: 0.05,
  maxChange: 0.2,
  minMembersPerArm: 100,
  minStratumMembers: 100,
  periodWeighting: "fixed-effects",
};

export interface ArmSummary extends WeightedArm {
  posterior: ArmPosterior;
  probabilityBest: number;
  expectedLoss: number;
}

/**
 * Scores the arms from their period-weighted posteriors: P(best) and expected loss, and the
 * posteriors the report shows. The default treats arms as independent (bandit-best.ts); a
 * lever with ordered candidates may smooth them (bandit-gp.ts). Null: the model could not be
 * fitted, and the allocation in force stays.
 */
export type ArmScorer = (input: {
  arms: readonly WeightedArm[];
  posteriors: readonly ArmPosterior[];
  /** The arms' joint covariance when their posteriors are correlated (period effects). */
  covariance?: readonly number[][];
  higherIsBetter: boolean | undefined;
  seed: number;
  draws: number | undefined;
}) => {
  posteriors: ArmPosterior[];
  probabilities: number[];
  expectedLoss: number[];
  method: string;
  /** A smoothed response curve over the lever's range, when the scorer has one. */
  curve?: { x: number; mean: number; sd: number }[];
} | null;

/** Each arm's own posterior, jointly when period effects correlate them. */
const independentArms: ArmScorer = ({ posteriors, covariance, higherIsBetter, seed, draws }) => {
  const options = { higherIsBetter, seed, draws };
  const best = covariance
    ? correlatedBestArms(
        posteriors.map((p) => p.mean),
        covariance,
        options,
      )
    : bestArms(posteriors, options);
  return { posteriors: [...posteriors], ...best };
};

export interface BanditUpdate {
  phase: "burn-in" | "waiting-for-data" | "thompson";
  /** Shares summing to 1, in arm order. */
  weights: number[];
  /** The same in basis points of the 10,000 assignment buckets, summing to 10,000. */
  weightsBps: number[];
  reason: string;
  /** The posterior that produced the weights (null in the burn-in or without data). */
  posterior: {
    arms: ArmSummary[];
    /** The arms' joint covariance (period effects: the arms' posteriors are correlated). */
    covariance?: number[][];
    periodWeights: number[];
    notes: string[];
    method: string;
    curve?: { x: number; mean: number; sd: number }[];
  } | null;
}

export interface BanditInput {
  /** `periods[p][a]`: sufficient statistics of arm a's members exposed in allocation period p. */
  periods: readonly (readonly MeanStats[])[];
  kind: RewardKind;
  /** The allocation in force (shares summing to 1). */
  current: readonly number[];
  /** The index of the period this update opens (0 is the launch). */
  periodIndex: number;
  settings: BanditSettings;
  higherIsBetter?: boolean;
  prior?: BanditPrior;
  /** Seeds the Monte Carlo of Beta posteriors: the period index keeps an update reproducible. */
  seed?: number;
  /** Monte Carlo draws for Beta posteriors (bandit-best.ts's default otherwise). */
  draws?: number;
  /** How arms are scored (independent posteriors by default). */
  scorer?: ArmScorer;
}

export const equalShares = (arms: number) => new Array<number>(arms).fill(1 / arms);

/** The target raised so every arm has at least `minShare`, the others scaled down in proportion. */
export function withMinimumShare(target: readonly number[], minShare: number): number[] {
  const floor = Math.min(minShare, 1 / target.length);
  const lifted = new Set<number>();
  for (;;) {
    const free = target.reduce((s, t, i) => (lifted.has(i) ? s : s + t), 0);
    const mass = 1 - floor * lifted.size;
    const weights = target.map((t, i) =>
      lifted.has(i) ? floor : free > 0 ? (t / free) * mass : mass / (target.length - lifted.size),
    );
    const below = weights.findIndex((w, i) => !lifted.has(i) && w < floor - 1e-15);
    if (below < 0) return weights;
    weights.forEach((w, i) => {
      if (w < floor) lifted.add(i);
    });
  }
}

/** A step from `current` toward `target`, shortened so that no share moves more than `maxChange`. */
export function limitChange(
  current: readonly number[],
  target: readonly number[],
  maxChange: number,
): number[] {
  const largest = Math.max(...target.map((t, i) => Math.abs(t - current[i]!)));
  const step = largest > maxChange ? maxChange / largest : 1;
  return target.map((t, i) => current[i]! + step * (t - current[i]!));
}

/** Shares as whole basis points summing to 10,000 (largest remainders), for the bucket walk. */
export function toBasisPoints(weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (w / total) * 10_000);
  const floors = exact.map(Math.floor);
  let missing = 10_000 - floors.reduce((s, f) => s + f, 0);
  const order = exact.map((e, i) => ({ i, r: e - floors[i]! })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (missing <= 0) break;
    floors[i]!++;
    missing--;
  }
  return floors;
}

const done = (
  phase: BanditUpdate["phase"],
  weights: number[],
  reason: string,
  posterior: BanditUpdate["posterior"] = null,
): BanditUpdate => {
  const weightsBps = toBasisPoints(weights);
  return { phase, weights: weightsBps.map((b) => b / 10_000), weightsBps, reason, posterior };
};

/** The allocation for the period `input.periodIndex` opens (see the top of the file). */
export function banditUpdate(input: BanditInput): BanditUpdate {
  const { settings, current } = input;
  const arms = current.length;
  if (input.periodIndex < settings.burnInPeriods)
    return done("burn-in", equalShares(arms), `burn-in: equal shares until period ${settings.burnInPeriods}`);
  const result = armPosteriors(
    input.periods,
    input.kind,
    input.prior,
    settings.minStratumMembers,
    settings.periodWeighting,
  );
  if (!result.ok) return done("waiting-for-data", [...current], `allocation kept: ${result.reason}`);
  const members = result.arms.reduce((s, a) => s + a.n, 0);
  const best = (input.scorer ?? independentArms)({
    arms: result.arms,
    posteriors: result.posteriors,
    covariance: result.covariance,
    higherIsBetter: input.higherIsBetter,
    seed: input.seed ?? input.periodIndex + 1,
    draws: input.draws,
  });
  if (!best)
    return done("waiting-for-data", [...current], "allocation kept: the response curve could not be fitted");
  const posterior = {
    arms: result.arms.map((a, i) => ({
      ...a,
      posterior: best.posteriors[i]!,
      probabilityBest: best.probabilities[i]!,
      expectedLoss: best.expectedLoss[i]!,
    })),
    ...(result.covariance ? { covariance: result.covariance } : {}),
    periodWeights: result.periodWeights,
    notes: result.notes,
    method: best.method,
    ...(best.curve ? { curve: best.curve } : {}),
  };
  if (members < settings.minMembersPerArm * arms)
    return done(
      "waiting-for-data",
      [...current],
      `allocation kept: ${members} members, ${settings.minMembersPerArm * arms} needed before traffic moves`,
      posterior,
    );
  const target = withMinimumShare(best.probabilities, settings.minShare);
  const weights = limitChange(current, target, settings.maxChange);
  return done(
    "thompson",
    weights,
    "Thompson sampling: shares follow each arm's probability of being best",
    posterior,
  );
}
