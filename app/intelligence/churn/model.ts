// The churn model: features as of a cutoff → standardise → L2 logistic regression, with the
// decision threshold chosen on the training rows (Youden's J: max recall − false-positive rate), per-member drivers, and evaluation
// on a later cutoff (time-based split: train on cutoff − horizon, test on cutoff).

import {
  atThreshold,
  auc,
  brier,
  calibrationTable,
  type CalibrationBin,
  type Confusion,
  youdenThreshold,
} from "./evaluate";
import { FEATURE_LABELS, FEATURES, type ChurnDataset, type FeatureName } from "./features";
import {
  fitPackedLogistic,
  fitStandardiser,
  predictLogistic,
  predictPacked,
  predictRaw,
  standardise,
  standardiseRows,
  topPositive,
  type Standardiser,
} from "./logistic";

export type ChurnModel = {
  standardiser: Standardiser;
  intercept: number;
  coef: number[];
  threshold: number;
  /** Features constant in the training data (e.g. no loyalty program, no reviews): weight 0. */
  absent: FeatureName[];
  trainRows: number;
  trainChurnRate: number;
  lambda: number;
};

export type ChurnFit = { ok: true; model: ChurnModel } | { ok: false; problem: string; reason: string };

export type ChurnOptions = { lambda?: number; minCustomers?: number; minPerClass?: number };

/** Fit on a training dataset (labels: 1 = no order in the horizon). */
export function fitChurnModel(train: ChurnDataset, options: ChurnOptions = {}): ChurnFit {
  const { lambda = 1, minCustomers = 50, minPerClass = 10 } = options;
  const n = train.X.length;
  const churned = train.y.filter((v) => v === 1).length;
  if (n < minCustomers)
    return {
      ok: false,
      problem: "not-enough-data",
      reason: `not enough customers with orders before the training cutoff: the churn model needs at least ${minCustomers}; there are ${n}`,
    };
  if (churned < minPerClass || n - churned < minPerClass)
    return {
      ok: false,
      problem: "not-enough-data",
      reason: `the churn model needs at least ${minPerClass} customers who came back and ${minPerClass} who did not within ${train.horizon} days; there are ${n - churned} and ${churned}`,
    };
  const standardiser = fitStandardiser(train.X);
  const Z = standardiseRows(standardiser, train.X);
  const fit = fitPackedLogistic(Z, train.y, lambda);
  if (!fit.ok) return fit;
  const threshold = youdenThreshold(
    train.y.map((y, i) => ({ score: predictPacked(fit, Z, i), positive: y === 1 })),
  ).threshold;
  return {
    ok: true,
    model: {
      standardiser,
      intercept: fit.intercept,
      coef: fit.coef,
      threshold,
      absent: FEATURES.filter((_, j) => standardiser.sd[j] === 0),
      trainRows: n,
      trainChurnRate: churned / n,
      lambda,
    },
  };
}

export type Driver = { feature: FeatureName; label: string; value: number; contribution: number };

/** Risk (P(no order in the horizon)) and the features pushing it up the most for this member. */
export function scoreChurn(
  model: ChurnModel,
  x: readonly number[],
  drivers = 3,
): { risk: number; drivers: Driver[] } {
  const z = standardise(model.standardiser, x);
  const risk = predictLogistic(model, z);
  return { risk, drivers: topDrivers(model, x, z, drivers) };
}

/**
 * Contribution of feature j to the member's log-odds relative to the average member:
 * β_j × (x_j − mean_j) / sd_j. The top `k` positive contributions, largest first.
 */
export function explain(model: ChurnModel, x: readonly number[], k = 3): Driver[] {
  return topDrivers(model, x, standardise(model.standardiser, x), k);
}

function topDrivers(model: ChurnModel, x: readonly number[], z: readonly number[], k: number): Driver[] {
  const contributions = new Float64Array(FEATURES.length);
  for (let j = 0; j < FEATURES.length; j++) contributions[j] = model.coef[j]! * z[j]!;
  return topPositive(contributions, k).map((j) => ({
    feature: FEATURES[j]!,
    label: FEATURE_LABELS[FEATURES[j]!],
    value: x[j]!,
    contribution: contributions[j]!,
  }));
}

export type ChurnEvaluation = {
  rows: number;
  churnRate: number;
  auc: number | null;
  atThreshold: Confusion;
  brier: number;
  calibration: CalibrationBin[];
};

/** Evaluate on a (later) labelled dataset. */
export function evaluateChurn(model: ChurnModel, test: ChurnDataset): ChurnEvaluation {
  const rows = test.X.map((x, i) => ({
    score: predictRaw(model, model.standardiser, x),
    positive: test.y[i] === 1,
  }));
  return evaluateScores(rows, model.threshold);
}

/** The same figures for any probability-like score (the baselines and the oracle too). */
export function evaluateScores(
  rows: readonly { score: number; positive: boolean }[],
  threshold: number,
): ChurnEvaluation {
  return {
    rows: rows.length,
    churnRate: rows.filter((r) => r.positive).length / Math.max(1, rows.length),
    auc: auc(rows),
    atThreshold: atThreshold(rows, threshold),
    brier: rows.length ? brier(rows) : 0,
    calibration: calibrationTable(rows),
  };
}
