// RFM quintile scores per shop. A member's score is 1 + floor(5 × share of the shop's
// buyers who do worse), so equal values always share a score (deterministic, order-free)
// and the top fifth gets 5. Recency: fewer days is better; frequency, monetary: more is better.

import type { MemberFeatures } from "./features";

export type Score = 1 | 2 | 3 | 4 | 5;

export type RfmScores = { recency: Score; frequency: Score; monetary: Score };

export type ScoredMember = { customerId: string; scores: RfmScores };

export type RfmResult = {
  members: ScoredMember[];
  /** Why a dimension uses fewer than the 5 scores (few distinct values, or a value most buyers share). */
  notes: string[];
};

/** Scores for `values`: higher value scores higher unless `lowerIsBetter`. */
export function quintileScores(values: readonly number[], lowerIsBetter = false): Score[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  return values.map((value) => {
    const worse = lowerIsBetter ? n - upperBound(sorted, value) : lowerBound(sorted, value);
    return Math.min(5, 1 + Math.floor((5 * worse) / n)) as Score;
  });
}

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function distinctCount(values: readonly number[]): number {
  return new Set(values).size;
}

/** Why a dimension uses fewer than the 5 scores, if it does: few distinct values, or one value most buyers share. */
function coarseness(name: string, values: readonly number[], scores: readonly Score[]): string[] {
  const used = new Set(scores).size;
  if (values.length === 0 || used === 5) return [];
  const distinct = distinctCount(values);
  if (distinct < 5)
    return [
      `${name} has only ${distinct} distinct value${distinct === 1 ? "" : "s"} among buyers, so it uses ${used} of the 5 scores`,
    ];
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const [value, n] = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
  const share = Math.round((100 * n) / values.length);
  return [
    `${name} uses ${used} of the 5 scores: ${share}% of buyers share the value ${value}, and equal values share a score`,
  ];
}

/** RFM scores of the members who have ordered at least once (the others have no recency). */
export function scoreRfm(members: readonly MemberFeatures[]): RfmResult {
  const buyers = members.filter((m) => m.recencyDays !== null && m.frequency > 0);
  const dims = {
    recency: buyers.map((m) => m.recencyDays!),
    frequency: buyers.map((m) => m.frequency),
    monetary: buyers.map((m) => m.monetaryMinor),
  };
  const r = quintileScores(dims.recency, true);
  const f = quintileScores(dims.frequency);
  const m = quintileScores(dims.monetary);
  const notes = Object.entries(dims).flatMap(([name, values]) =>
    coarseness(name, values, { r, f, m }[name[0] as "r" | "f" | "m"]),
  );
  return {
    members: buyers.map((b, i) => ({
      customerId: b.customerId,
      scores: { recency: r[i]!, frequency: f[i]!, monetary: m[i]! },
    })),
    notes,
  };
}
