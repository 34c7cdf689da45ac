import { periodEffectsPosterior } from "./bandit-regression";
import type { MeanStats } from "./estimates";

// Each arm's posterior on the primary metric from per-period sufficient statistics, weighted
// by period as GrowthBook's bandits do (gbstats `bayesian/bandits_previous.py`,
// `weight_by_period`; ADR 0038-bandits): while a bandit moves traffic, an arm that got most of
// its members in a good week would look better than one that got them in a bad week. So each
// arm's mean is the period-stratified mean
//     ȳ_a = Σ_p w_p ȳ_{p,a},   w_p = N_p / N   (GrowthBook: N_p members of every arm in period p;
//                                              by default here the harmonic size, see PeriodWeighting),
// the same period weights for every arm, which is what keeps the comparison unbiased when
// the periods' baselines differ and the allocation changes between them. Its variance is
//     Var(ȳ_a) = s²_a Σ_p w_p² / n_{p,a} = s²_a / n_eff,a,
// with s²_a the arm's within-period variance pooled over periods, and n_eff,a = 1/Σ w_p²/n_{p,a}
// (Kish's effective sample size). A period in which an arm has no member is left out of that
// arm's mean and the remaining weights rescaled (a note says so).
//
// Posteriors: a mean metric gets a normal posterior N(ȳ_a, Var(ȳ_a)) under a flat prior (or
// a normal prior combined by precision, as bayesian.ts); a 0/1 metric (conversion) gets
// Beta(1 + ȳ_a n_eff, 1 + (1 − ȳ_a) n_eff): with one period that is exactly the conjugate
// Beta(1 + conversions, 1 + non-conversions) under a uniform prior.

export type RewardKind = "mean" | "binary";

/**
 * How periods are weighted: `population` w_p = N_p / N (GrowthBook's), or `precision`
 * w_p ∝ 1/Σ_a 1/n_{p,a} (the harmonic size of the period's arms, as Mantel–Haenszel weights a
 * stratum). Both are common to every arm, so neither lets a period's baseline favour an arm;
 * `precision` gives little weight to a period in which some arm had few members, which is what
 * keeps an arm held at its floor from keeping a wide posterior (ADR 0038-bandits, measured).
 * `fixed-effects` (the default) is not a common weight but a regression with a baseline per
 * period (bandit-regression.ts): each period informs every contrast by the members it has in
 * the two arms compared, so an arm at its floor no longer thins the others' periods.
 */
export type PeriodWeighting = "population" | "precision" | "fixed-effects";

/**
 * The common period weights for estimates made arm by arm (a contextual segment's cells, a
 * guardrail's comparison): the bandit's own when it uses common weights, precision weights
 * when its posterior is the period-effects regression, which has no per-arm form.
 */
export function commonWeighting(w: PeriodWeighting): "population" | "precision" {
  return w === "fixed-effects" ? "precision" : w;
}

export type BanditPrior = { kind: "flat" } | { kind: "normal"; mean: number; variance: number };

export type ArmPosterior =
  | { kind: "normal"; mean: number; sd: number }
  | { kind: "beta"; alpha: number; beta: number; mean: number; sd: number };

export interface WeightedArm {
  /** Members over every period. */
  n: number;
  /** The period-weighted mean ȳ_a. */
  mean: number;
  /** Within-period variance per member, pooled over periods (p̄(1 − p̄) for a 0/1 metric). */
  variance: number;
  /** Kish's effective sample size 1/Σ w_p²/n_{p,a}. */
  effectiveN: number;
}

export type PosteriorResult =
  | {
      ok: true;
      arms: WeightedArm[];
      posteriors: ArmPosterior[];
      /** The arms' joint covariance when their posteriors are correlated (`fixed-effects`). */
      covariance?: number[][];
      periodWeights: number[];
      notes: string[];
    }
  | { ok: false; reason: string };

/** `periods[p][a]`: the sufficient statistics of arm a's members exposed in period p. */
export function periodWeightedArms(
  periods: readonly (readonly MeanStats[])[],
  kind: RewardKind,
  weighting: Exclude<PeriodWeighting, "fixed-effects"> = "precision",
): { arms: (WeightedArm | { reason: string })[]; periodWeights: number[]; notes: string[] } {
  const armCount = periods[0]?.length ?? 0;
  const periodTotals = periods.map((p) =>
    weighting === "population"
      ? p.reduce((s, a) => s + a.n, 0)
      : p.every((a) => a.n > 0)
        ? 1 / p.reduce((s, a) => s + 1 / a.n, 0)
        : 0,
  );
  const total = periodTotals.reduce((s, n) => s + n, 0);
  const periodWeights = periodTotals.map((n) => (total > 0 ? n / total : 0));
  const notes: string[] = [];
  const arms = Array.from({ length: armCount }, (_, a) => {
    let n = 0;
    let sum = 0;
    let weightIn = 0;
    let weighted = 0;
    let inverseEffective = 0;
    let within = 0;
    let periodsIn = 0;
    periods.forEach((period, p) => {
      const stats = period[a]!;
      if (stats.n <= 0) return;
      n += stats.n;
      sum += stats.sum;
      periodsIn++;
      weightIn += periodWeights[p]!;
      weighted += periodWeights[p]! * (stats.sum / stats.n);
      inverseEffective += periodWeights[p]! ** 2 / stats.n;
      within += stats.sumSquares - (stats.sum * stats.sum) / stats.n;
    });
    if (n === 0) return { reason: "no members in this arm yet" };
    if (weightIn < 1 - 1e-12)
      notes.push(`arm ${a + 1} has no members in some periods; its other periods are reweighted`);
    const mean = weighted / weightIn;
    const effectiveN = weightIn ** 2 / inverseEffective;
    if (kind === "binary") {
      const p = sum / n;
      return { n, mean, variance: p * (1 - p), effectiveN };
    }
    if (n - periodsIn < 1) return { reason: "fewer than 2 members in a period of this arm" };
    return { n, mean, variance: Math.max(0, within / (n - periodsIn)), effectiveN };
  });
  return { arms, periodWeights, notes };
}

const add = (a: MeanStats, b: MeanStats): MeanStats => ({
  n: a.n + b.n,
  sum: a.sum + b.sum,
  sumSquares: a.sumSquares + b.sumSquares,
});

/**
 * Consecutive periods merged until every arm has at least `minMembers` members in each
 * merged period (a trailing short one joins the one before). Equal weights for every period
 * are unbiased but costly when an arm's share is small: an hour with two members of a 1% arm
 * weighs as much as an hour with two hundred, so the arm's posterior stays wide and the
 * bandit keeps paying to explore it (the validation measured 2.5× the regret of pooling).
 * Merging hours into strata of enough members keeps the correction for drift between strata
 * and gives up only drift within one (a few hours, by the default).
 */
export function mergePeriods(periods: readonly (readonly MeanStats[])[], minMembers: number): MeanStats[][] {
  const merged: MeanStats[][] = [];
  let open: MeanStats[] | null = null;
  for (const period of periods) {
    open = open ? open.map((a, i) => add(a, period[i]!)) : [...period];
    if (open.every((a) => a.n >= minMembers)) {
      merged.push(open);
      open = null;
    }
  }
  if (open) {
    const last = merged.pop();
    merged.push(last ? last.map((a, i) => add(a, open![i]!)) : open);
  }
  return merged;
}

/** The posterior of each arm's mean (see the top of the file). */
export function armPosteriors(
  periods: readonly (readonly MeanStats[])[],
  kind: RewardKind,
  prior: BanditPrior = { kind: "flat" },
  minStratumMembers = 0,
  weighting: PeriodWeighting = "fixed-effects",
): PosteriorResult {
  if (!periods.length || !periods[0]!.length) return { ok: false, reason: "no periods with data yet" };
  if (periods.some((p) => p.length !== periods[0]!.length))
    return { ok: false, reason: "every period must list the same arms" };
  if (prior.kind === "normal" && !(prior.variance > 0))
    return { ok: false, reason: "the prior's variance must be positive" };
  const strata = minStratumMembers > 0 ? mergePeriods(periods, minStratumMembers) : periods;
  if (weighting === "fixed-effects") return periodEffectsPosterior(strata, kind, prior);
  const { arms, periodWeights, notes } = periodWeightedArms(strata, kind, weighting);
  const posteriors: ArmPosterior[] = [];
  const weighted: WeightedArm[] = [];
  for (const [index, arm] of arms.entries()) {
    if ("reason" in arm) return { ok: false, reason: `arm ${index + 1}: ${arm.reason}` };
    weighted.push(arm);
    if (kind === "binary") {
      const alpha = 1 + arm.mean * arm.effectiveN;
      const beta = 1 + (1 - arm.mean) * arm.effectiveN;
      const total = alpha + beta;
      posteriors.push({
        kind: "beta",
        alpha,
        beta,
        mean: alpha / total,
        sd: Math.sqrt((alpha * beta) / (total * total * (total + 1))),
      });
      continue;
    }
    if (arm.variance <= 0 && prior.kind === "flat")
      return { ok: false, reason: `arm ${index + 1}: no variance in this arm yet` };
    const dataPrecision = arm.variance > 0 ? arm.effectiveN / arm.variance : 0;
    const priorPrecision = prior.kind === "normal" ? 1 / prior.variance : 0;
    const precision = dataPrecision + priorPrecision;
    const priorMean = prior.kind === "normal" ? prior.mean : 0;
    posteriors.push({
      kind: "normal",
      mean: (dataPrecision * arm.mean + priorPrecision * priorMean) / precision,
      sd: Math.sqrt(1 / precision),
    });
  }
  return { ok: true, arms: weighted, posteriors, periodWeights, notes: [...new Set(notes)] };
}
