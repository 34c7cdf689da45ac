// RFM quintile scores per shop. A member's score is 1 + floor(5 × share of the shop's
// buyers who do worse), so equal values always share a score (deterministic, order-free)
// and the top fifth gets 5. Recency: fewer days is better; frequency, monetary: more is better.

import type { MemberFeatures } from "./features";

export type Score = 1 | 2 | 3 | 4 | 5;

export type RfmScores = { recency: Score; frequency: Score; monetary: Score };

export type ScoredMember = { customerId: string; scores: RfmScores };

export type RfmResult = {
  members: ScoredMember[];
  /** Why a dimension's scores are coarse (fewer than 5 distinct values), by dimension. */
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
  const notes: string[] = [];
  for (const [name, values] of Object.entries(dims)) {
    const distinct = distinctCount(values);
    if (buyers.length > 0 && distinct < 5)
      notes.push(
        `${name} has only ${distinct} distinct value${distinct === 1 ? "" : "s"} among buyers, so it uses ${distinct} of the 5 scores`,
      );
  }
  return {
    members: buyers.map((b, i) => ({
      customerId: b.customerId,
      scores: { recency: r[i]!, frequency: f[i]!, monetary: m[i]! },
    })),
    notes,
  };
}
