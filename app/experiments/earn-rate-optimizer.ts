import { z } from "zod";

// The earn-rate optimizer's pure rules (ADR 0041): which ranges a merchant may
// search, and which rates the bandit tries. The rates are spread evenly on a log scale (a
// customer feels 1 → 2 points per $1 as much as 4 → 8), and the grid point nearest the live
// rate becomes the live rate itself, so the control arm is one of the candidates and the
// search never tests a rate next to the live one that differs from it by a rounding.

/** Points per currency unit are stored with this many decimals. */
const DECIMALS = 2;
/** The widest range relative to the live rate: below 1/100 or at 100× it is a typo, not a test. */
export const RATE_FACTOR_LIMIT = 100;
export const MIN_CANDIDATES = 3;
/** Six arms in all (the experiment schema's limit), the live rate among them. */
export const MAX_CANDIDATES = 6;
export const DEFAULT_CANDIDATES = 5;

export interface EarnRateOptimizer {
  kind: "earnRate";
  min: number;
  max: number;
  /** Each arm's points per currency unit, in variant order (the control's is the live rate). */
  candidates: number[];
  method: "gp-thompson";
}

export const earnRateRangeSchema = (live: number) =>
  z
    .object({
      min: z.coerce
        .number({ error: "Enter a number of points." })
        .gt(0, { error: "The lowest rate must be above zero: a zero earn rate ends the program." }),
      max: z.coerce
        .number({ error: "Enter a number of points." })
        .positive({ error: "Enter a rate above zero." }),
      count: z.coerce
        .number()
        .int({ error: "Enter a whole number." })
        .min(MIN_CANDIDATES, { error: `At least ${MIN_CANDIDATES} rates.` })
        .max(MAX_CANDIDATES, { error: `At most ${MAX_CANDIDATES} rates.` })
        .default(DEFAULT_CANDIDATES),
    })
    .superRefine((r, ctx) => {
      if (r.max <= r.min)
        ctx.addIssue({
          code: "custom",
          path: ["max"],
          message: "The highest rate must be above the lowest.",
        });
      if (r.max >= live * RATE_FACTOR_LIMIT)
        ctx.addIssue({
          code: "custom",
          path: ["max"],
          message: `Below ${RATE_FACTOR_LIMIT}× the live rate (${live} points), please: ${round(live * RATE_FACTOR_LIMIT)} or more is not a rate to test on customers.`,
        });
      if (r.min <= live / RATE_FACTOR_LIMIT)
        ctx.addIssue({
          code: "custom",
          path: ["min"],
          message: `Above 1/${RATE_FACTOR_LIMIT} of the live rate (${live} points), please.`,
        });
      if (Math.round(r.min * 10 ** DECIMALS) < 1)
        ctx.addIssue({ code: "custom", path: ["min"], message: "At least 0.01 points per currency unit." });
    });

const round = (x: number) => Math.round(x * 10 ** DECIMALS) / 10 ** DECIMALS;

/**
 * `count` rates from `min` to `max`, evenly spaced in log, rounded to 0.01, with the live rate
 * in place of its nearest grid point when it lies inside the range (within half a step of
 * one); when it lies outside, it is added as an arm of its own (one more than `count`, at most
 * MAX_CANDIDATES in all: then the grid has one point fewer). Ascending; `control` is the live
 * rate's index.
 */
export function earnRateCandidates(
  min: number,
  max: number,
  live: number,
  count = DEFAULT_CANDIDATES,
): { rates: number[]; control: number } {
  const inside = live >= min && live <= max;
  const gridCount = inside ? count : Math.min(count, MAX_CANDIDATES - 1);
  const step = Math.log(max / min) / (gridCount - 1);
  const grid = Array.from({ length: gridCount }, (_, i) => min * Math.exp(i * step));
  let rates: number[];
  if (inside) {
    const nearest = grid.reduce(
      (best, r, i) => (Math.abs(Math.log(r / live)) < Math.abs(Math.log(grid[best]! / live)) ? i : best),
      0,
    );
    rates = grid.map((r, i) => (i === nearest ? live : round(r)));
  } else rates = [...grid.map(round), live].sort((a, b) => a - b);
  const unique = [...new Set(rates)];
  return { rates: unique, control: unique.indexOf(live) };
}
