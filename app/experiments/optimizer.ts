import { z } from "zod";
import { minorUnitsPerMajor } from "~/loyalty/money";
import type { Program } from "~/loyalty/program";
import { METRIC_KEYS } from "./metric-keys";
import { METRICS } from "./metrics";

// The reward-threshold optimizer (issue 16 item 5; ADR 0042): a reward's point
// cost, or a tier's threshold, searched over a range the merchant names. Pure: the service
// (optimizer.server.ts) loads the shop's distribution and the live program, this proposes the
// candidates, checks the bounds and builds the bandit experiment's variants. The settings are
// stored inside the experiment's `bandit` JSON under `optimizer`.

/** Fewest and most candidates; with the live program as control an experiment has at most six arms. */
export const MIN_CANDIDATES = 4;
export const MAX_CANDIDATES = 5;
/** Members in the range below which quantiles say little and the candidates are evenly spaced. */
export const MIN_MEMBERS_FOR_QUANTILES = 30;

export const optimizerInputSchema = z
  .object({
    kind: z.enum(["rewardCost", "tierThreshold"], { error: "Choose a reward or a tier." }),
    /** The reward (rewardCost) or the tier level (tierThreshold) whose threshold is searched. */
    targetId: z.string().trim().min(1, { error: "Choose what to optimise." }),
    min: z.int({ error: "Enter a whole number." }).min(1, { error: "At least 1." }),
    max: z.int({ error: "Enter a whole number." }).min(1, { error: "At least 1." }),
    count: z
      .int({ error: "Enter a whole number." })
      .min(MIN_CANDIDATES, { error: `At least ${MIN_CANDIDATES} candidates.` })
      .max(MAX_CANDIDATES, { error: `At most ${MAX_CANDIDATES} candidates.` })
      .default(MIN_CANDIDATES),
    /** The objective the bandit maximises: the experiment's primary metric. */
    objective: z.enum(METRIC_KEYS, { error: "Choose a metric." }).default("netMargin"),
    trafficPercent: z
      .int({ error: "Enter a whole percent." })
      .min(1, { error: "At least 1%." })
      .max(100, { error: "At most 100%." })
      .default(100),
    cadenceMinutes: z
      .int({ error: "Enter whole minutes." })
      .min(15, { error: "At least every 15 minutes." })
      .max(7 * 24 * 60, { error: "At least once a week." })
      .default(1440),
  })
  .superRefine((input, ctx) => {
    if (input.max <= input.min)
      ctx.addIssue({ code: "custom", path: ["max"], message: "The range must end above where it starts." });
    const metric = METRICS[input.objective];
    if (metric.kind !== "mean" || !metric.higherIsBetter)
      ctx.addIssue({
        code: "custom",
        path: ["objective"],
        message: `The optimizer maximises a per-member metric; ${metric.name.toLowerCase()} is not one.`,
      });
  });

export type OptimizerInput = z.input<typeof optimizerInputSchema>;
export type OptimizerRequest = z.output<typeof optimizerInputSchema>;

export type CandidateRule = "quantiles" | "even";

const searched = {
  min: z.int(),
  max: z.int(),
  /** The live value at creation: the control's threshold. */
  current: z.int(),
  candidates: z.array(z.int()).min(MIN_CANDIDATES).max(6),
  rule: z.enum(["quantiles", "even"]),
};

/** What an experiment's `bandit.optimizer` holds (the earn-rate tuner adds its own kind). */
export const optimizerSettingsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rewardCost"), rewardId: z.string().min(1), ...searched }),
  z.object({ kind: z.literal("tierThreshold"), tierId: z.string().min(1), ...searched }),
]);

export type OptimizerSettings = z.output<typeof optimizerSettingsSchema>;

/** A round step for values over `span` (1, 2 or 5 × a power of ten, about a twentieth of it). */
export function niceStep(span: number): number {
  const raw = Math.max(1, span / 20);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return Math.max(1, Math.round(step));
}

/** The q-quantile of sorted values (linear interpolation, numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * The candidates over [min, max]: the two ends, and between them the values at evenly spaced
 * quantile levels (1/(k−1), …, (k−2)/(k−1)) of the members whose value per period falls inside
 * the range, so the interior candidates sit where members are (each reached by a different
 * share of them) and the ends are always tested. Rounded to a round step, each at least a step
 * above the one before; with fewer than MIN_MEMBERS_FOR_QUANTILES members in the range, or
 * when the steps run past the top, evenly spaced.
 */
export function proposeCandidates(
  values: readonly number[],
  min: number,
  max: number,
  count: number,
): { candidates: number[]; rule: CandidateRule; membersInRange: number; step: number } {
  const step = niceStep(max - min);
  const round = (x: number) => Math.min(max, Math.max(min, Math.round(x / step) * step));
  const inRange = values.filter((v) => v >= min && v <= max).sort((a, b) => a - b);
  const levels = Array.from({ length: count - 2 }, (_, i) => (i + 1) / (count - 1));
  const distinct = (xs: number[]) => new Set(xs).size === xs.length;
  if (inRange.length >= MIN_MEMBERS_FOR_QUANTILES) {
    // Each interior candidate at least one step above the one before, so crowded quantiles stay apart.
    const interior: number[] = [];
    for (const q of levels)
      interior.push(Math.max(round(quantile(inRange, q)), (interior.at(-1) ?? min) + step));
    const candidates = [min, ...interior, max];
    if ((interior.at(-1) ?? min) <= max - step)
      return { candidates, rule: "quantiles", membersInRange: inRange.length, step };
  }
  const even = [min, ...levels.map((q) => round(min + q * (max - min))), max];
  const candidates = distinct(even)
    ? even
    : [min, ...levels.map((q) => Math.round(min + q * (max - min))), max];
  return { candidates, rule: "even", membersInRange: inRange.length, step };
}

/** The live threshold of the target and the bounds the program allows it, or a field error. */
export function targetBounds(
  live: Program,
  kind: OptimizerRequest["kind"],
  targetId: string,
):
  | {
      ok: true;
      name: string;
      current: number;
      lower: number;
      upper: number;
      unit: "points" | "money" | "orders";
    }
  | { ok: false; message: string } {
  if (kind === "rewardCost") {
    const reward = live.rewards.find((r) => r.id === targetId && r.active);
    if (!reward) return { ok: false, message: "Choose one of the program's active rewards." };
    // A tenth to ten times the live cost: outside it the reward is given away or out of reach.
    return {
      ok: true,
      name: reward.name,
      current: reward.pointsCost,
      lower: Math.max(1, Math.ceil(reward.pointsCost / 10)),
      upper: reward.pointsCost * 10,
      unit: "points",
    };
  }
  const levels = live.tiers.levels;
  const i = levels.findIndex((l) => l.id === targetId);
  if (i < 0) return { ok: false, message: "Choose one of the program's tiers." };
  if (i === 0)
    return { ok: false, message: "The first tier is where every member starts: choose a higher one." };
  const level = levels[i]!;
  return {
    ok: true,
    name: level.name,
    current: level.threshold,
    lower: levels[i - 1]!.threshold + 1,
    upper: levels[i + 1] ? levels[i + 1]!.threshold - 1 : Math.max(level.threshold * 10, 1),
    unit: live.tiers.basis === "spend" ? "money" : live.tiers.basis === "points" ? "points" : "orders",
  };
}

/** Field errors when the range leaves the target's bounds (422, nothing written). */
export function rangeErrors(
  bounds: { lower: number; upper: number },
  request: Pick<OptimizerRequest, "min" | "max" | "count">,
  format: (x: number) => string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (request.min < bounds.lower) errors.min = `At least ${format(bounds.lower)}.`;
  if (request.max > bounds.upper) errors.max = `At most ${format(bounds.upper)}.`;
  if (request.max - request.min < request.count - 1)
    errors.max = `The range is too narrow for ${request.count} different candidates.`;
  return errors;
}

/** The override that sets the target to `value` (arrays are replaced whole: ADR 0018). */
export function candidateOverride(
  live: Program,
  settings: Pick<OptimizerSettings, "kind"> & { targetId: string },
  value: number,
): Partial<Pick<Program, "rewards" | "tiers">> {
  if (settings.kind === "rewardCost")
    return {
      rewards: live.rewards.map((r) => (r.id === settings.targetId ? { ...r, pointsCost: value } : r)),
    };
  return {
    tiers: {
      ...live.tiers,
      levels: live.tiers.levels.map((l) => (l.id === settings.targetId ? { ...l, threshold: value } : l)),
    },
  };
}

/** The optimizer's arms: the live program as control, then one variant per other candidate. */
export function optimizerVariants(
  live: Program,
  target: { kind: OptimizerRequest["kind"]; targetId: string; current: number },
  candidates: readonly number[],
  format: (x: number) => string,
) {
  const others = candidates.filter((c) => c !== target.current);
  const weights = equalWeights(others.length + 1);
  return [
    {
      key: "live",
      name: `${format(target.current)} (live)`,
      weight: weights[0]!,
      control: true,
      override: {},
    },
    ...others.map((value, i) => ({
      key: `at-${value}`,
      name: format(value),
      weight: weights[i + 1]!,
      control: false,
      override: candidateOverride(live, target, value),
    })),
  ];
}

/** Whole percents summing to 100 (a bandit ignores them; the definition requires them). */
function equalWeights(arms: number): number[] {
  const base = Math.floor(100 / arms);
  return Array.from({ length: arms }, (_, i) => base + (i < 100 - base * arms ? 1 : 0));
}

/** An arm's threshold: the control's is the live one at creation, a candidate's is in its key. */
export function armThreshold(settings: OptimizerSettings, variantKey: string): number {
  return variantKey === "live" ? settings.current : Number(variantKey.replace(/^at-/, ""));
}

/** The threshold optimizer's settings stored in an experiment's bandit JSON, or null. */
export function storedOptimizer(bandit: unknown): OptimizerSettings | null {
  const parsed = optimizerSettingsSchema.safeParse((bandit as { optimizer?: unknown } | null)?.optimizer);
  return parsed.success ? parsed.data : null;
}

/** How a threshold reads in the merchant's language: "1,200 points", "$150", "3 orders". */
export function thresholdFormatter(unit: "points" | "money" | "orders", currency: string) {
  if (unit === "money") {
    const perMajor = minorUnitsPerMajor(currency);
    const format = new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 });
    return (x: number) => format.format(x / perMajor);
  }
  return (x: number) => `${x.toLocaleString("en-US")} ${unit === "points" ? "points" : "orders"}`;
}

/**
 * The bandit an optimizer runs (percent settings, as the create flow's): three updates at
 * equal shares, then Thompson sampling with 5% per arm at least and 20 points of change per
 * update at most. The validation (scripts/threshold-validation.ts) runs exactly these.
 */
export const OPTIMIZER_BANDIT = {
  burnInPeriods: 3,
  minSharePercent: 5,
  maxChangePercent: 20,
  minMembersPerArm: 100,
} as const;

/**
 * The candidate to apply: the arm most likely to be best under the last update's posterior,
 * with its evidence (the probability and the expected loss of choosing it), or null before
 * the bandit has a posterior.
 */
export function recommendedArm<T extends { probabilityBest: number; expectedLoss: number }>(
  arms: readonly T[],
): T | null {
  if (!arms.length) return null;
  return arms.reduce((best, a) => (a.probabilityBest > best.probabilityBest ? a : best));
}
