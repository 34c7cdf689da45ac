import { chiSquareSurvival } from "./distributions";

// Sample-ratio mismatch: Pearson's χ² goodness of fit of the exposed counts per arm against
// the configured weights, df = arms − 1. A tiny p-value means assignment or exposure is
// broken (a bug, a bot, an arm that crashes), and no lift can be trusted until it is fixed.

export const SRM_THRESHOLD = 0.001;

export type SrmResult = {
  chiSquare: number;
  pValue: number;
  /** p < 0.001: show the banner and do not trust the lifts. */
  warning: boolean;
  counts: number[];
  expected: number[];
  reason?: string;
};

export function sampleRatioMismatch(counts: readonly number[], weights: readonly number[]): SrmResult {
  const total = counts.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (counts.length !== weights.length || counts.length < 2) {
    return {
      chiSquare: 0,
      pValue: 1,
      warning: false,
      counts: [...counts],
      expected: [],
      reason: "needs one count and one weight per arm, at least two arms",
    };
  }
  if (!(weightSum > 0) || weights.some((w) => w < 0)) {
    return {
      chiSquare: 0,
      pValue: 1,
      warning: false,
      counts: [...counts],
      expected: [],
      reason: "the weights must be non-negative and not all zero",
    };
  }
  const expected = weights.map((w) => (total * w) / weightSum);
  if (total === 0)
    return {
      chiSquare: 0,
      pValue: 1,
      warning: false,
      counts: [...counts],
      expected,
      reason: "no exposed members yet",
    };
  let chiSquare = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = expected[i]!;
    const o = counts[i]!;
    if (e === 0) {
      if (o > 0) {
        return {
          chiSquare: Infinity,
          pValue: 0,
          warning: true,
          counts: [...counts],
          expected,
          reason: "members were exposed in an arm with weight 0",
        };
      }
      continue;
    }
    chiSquare += (o - e) ** 2 / e;
  }
  const df = weights.filter((w) => w > 0).length - 1;
  const pValue = df > 0 ? chiSquareSurvival(chiSquare, df) : 1;
  return { chiSquare, pValue, warning: pValue < SRM_THRESHOLD, counts: [...counts], expected };
}
