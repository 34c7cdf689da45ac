// How good a churn score is on labelled rows: AUC (ties count half), precision / recall / F1 at
// a threshold, the threshold that maximises F1 (chosen on the training cutoff, applied to the
// test one), a calibration table by deciles of the prediction, and the Brier score.

export type Scored = { score: number; positive: boolean };

/** Area under the ROC curve via the rank-sum (Mann–Whitney) with mid-ranks for ties; null if a class is empty. */
export function auc(rows: readonly Scored[]): number | null {
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (sorted[k]!.positive) {
        rankSum += rank;
        positives++;
      }
    i = j;
  }
  const negatives = sorted.length - positives;
  if (!positives || !negatives) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export type Confusion = { threshold: number; precision: number; recall: number; f1: number; flagged: number };

/** Flag rows with score ≥ threshold. Precision is 0 when nothing is flagged. */
export function atThreshold(rows: readonly Scored[], threshold: number): Confusion {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const r of rows) {
    if (r.score >= threshold) {
      if (r.positive) tp++;
      else fp++;
    } else if (r.positive) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { threshold, precision, recall, f1, flagged: tp + fp };
}

/** The threshold (one of the scores) with the highest F1; the higher threshold wins a tie. */
export function bestF1Threshold(rows: readonly Scored[]): Confusion {
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  const total = sorted.filter((r) => r.positive).length;
  let tp = 0;
  let fp = 0;
  let best: Confusion = { threshold: Infinity, precision: 0, recall: 0, f1: 0, flagged: 0 };
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) {
      if (sorted[j]!.positive) tp++;
      else fp++;
      j++;
    }
    const precision = tp / (tp + fp);
    const recall = total ? tp / total : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    if (f1 > best.f1) best = { threshold: sorted[i]!.score, precision, recall, f1, flagged: tp + fp };
    i = j;
  }
  return best;
}

/**
 * The threshold (one of the scores) maximising Youden's J = recall − false-positive rate, i.e.
 * balanced accuracy; the higher threshold wins a tie. Unlike max-F1 it does not collapse to
 * "flag everyone" when most customers lapse (as over a 90-day horizon they usually do).
 */
export function youdenThreshold(rows: readonly Scored[]): Confusion {
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  const positives = sorted.filter((r) => r.positive).length;
  const negatives = sorted.length - positives;
  let tp = 0;
  let fp = 0;
  let best = { threshold: Infinity, j: -Infinity };
  for (let i = 0; i < sorted.length;) {
    let k = i;
    while (k < sorted.length && sorted[k]!.score === sorted[i]!.score) {
      if (sorted[k]!.positive) tp++;
      else fp++;
      k++;
    }
    const j = (positives ? tp / positives : 0) - (negatives ? fp / negatives : 0);
    if (j > best.j) best = { threshold: sorted[i]!.score, j };
    i = k;
  }
  return atThreshold(rows, best.threshold);
}

export type CalibrationBin = { from: number; to: number; count: number; predicted: number; observed: number };

/**
 * Rows sorted by score and cut into `bins` groups of ⌊n·k/bins⌋..⌊n·(k+1)/bins⌋ (deciles by
 * default): each bin's score range, mean prediction and observed positive rate.
 */
export function calibrationTable(rows: readonly Scored[], bins = 10): CalibrationBin[] {
  const sorted = [...rows].sort((a, b) => a.score - b.score);
  const n = sorted.length;
  const out: CalibrationBin[] = [];
  for (let k = 0; k < bins; k++) {
    const part = sorted.slice(Math.floor((n * k) / bins), Math.floor((n * (k + 1)) / bins));
    if (!part.length) continue;
    out.push({
      from: part[0]!.score,
      to: part[part.length - 1]!.score,
      count: part.length,
      predicted: part.reduce((s, r) => s + r.score, 0) / part.length,
      observed: part.filter((r) => r.positive).length / part.length,
    });
  }
  return out;
}

/** Mean squared error of the probability. */
export function brier(rows: readonly Scored[]): number {
  return rows.reduce((s, r) => s + (r.score - (r.positive ? 1 : 0)) ** 2, 0) / rows.length;
}
