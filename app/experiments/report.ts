import { estimatesFor, type MetricArms, type MetricInput, type MetricRole } from "./stats/analysis";
import type { MeanStats, PairedStats } from "./stats/estimates";
import { METRICS, type MetricDefinition } from "./metrics";
import type { MetricKey } from "./metric-keys";

// From the SQL's sufficient statistics (one row per variant and exposure day) to what the
// pure statistics read: each metric's arms, control first, in total and cumulated by day.

export type Row = { variant: string; day: Date } & Record<string, number>;

type Sums = Record<string, number>;

function add(into: Sums, row: Sums) {
  for (const [k, v] of Object.entries(row)) if (typeof v === "number") into[k] = (into[k] ?? 0) + (v ?? 0);
}

/** The arms of one metric from one set of sums per variant (control first). */
export function metricArms(m: MetricDefinition, sums: readonly Sums[]): MetricArms {
  if (m.kind === "ratio") {
    return {
      kind: "ratio",
      arms: sums.map((s): PairedStats => ({
        n: s.n ?? 0,
        sumY: s[`${m.key}_sy`] ?? 0,
        sumX: s[`${m.key}_sx`] ?? 0,
        sumYY: s[`${m.key}_syy`] ?? 0,
        sumXX: s[`${m.key}_sxx`] ?? 0,
        sumXY: s[`${m.key}_sxy`] ?? 0,
      })),
    };
  }
  if (m.cuped) {
    return {
      kind: "cuped",
      arms: sums.map((s): PairedStats => ({
        n: s.n ?? 0,
        sumY: s[`${m.key}_s`] ?? 0,
        sumX: s.cov_s ?? 0,
        sumYY: s[`${m.key}_ss`] ?? 0,
        sumXX: s.cov_ss ?? 0,
        sumXY: s[`${m.key}_sx`] ?? 0,
      })),
    };
  }
  return {
    kind: "mean",
    arms: sums.map((s): MeanStats => ({
      n: s.n ?? 0,
      sum: s[`${m.key}_s`] ?? 0,
      sumSquares: s[`${m.key}_ss`] ?? 0,
    })),
  };
}

/** Sums per variant in `variants` order: in total, and cumulated by exposure day. */
export function sumsByVariant(rows: readonly Row[], variants: readonly string[]) {
  const total = variants.map((): Sums => ({}));
  const days = [...new Set(rows.map((r) => r.day.getTime()))].sort((a, b) => a - b);
  const running = variants.map((): Sums => ({}));
  const cumulative: { day: Date; sums: Sums[] }[] = [];
  for (const day of days) {
    for (const r of rows) {
      if (r.day.getTime() !== day) continue;
      const i = variants.indexOf(r.variant);
      if (i < 0) continue;
      add(running[i]!, r);
      add(total[i]!, r);
    }
    cumulative.push({ day: new Date(day), sums: running.map((s) => ({ ...s })) });
  }
  return { total, cumulative };
}

export interface MetricPlan {
  primary: MetricKey | null;
  secondary: readonly MetricKey[];
  guardrails: readonly { metric: MetricKey; threshold: number }[];
}

/** The metrics an analysis reads, each once with its role (a guardrail is not also secondary). */
export function metricInputs(plan: MetricPlan, total: readonly Sums[]): MetricInput[] {
  const inputs: MetricInput[] = [];
  const push = (key: MetricKey, role: MetricRole, threshold?: number) => {
    const m = METRICS[key];
    inputs.push({
      ...metricArms(m, total),
      key,
      name: m.name,
      role,
      higherIsBetter: m.higherIsBetter,
      threshold,
    });
  };
  if (plan.primary) push(plan.primary, "primary");
  const guarded = new Set(plan.guardrails.map((g) => g.metric));
  for (const key of plan.secondary) if (key !== plan.primary && !guarded.has(key)) push(key, "secondary");
  for (const g of plan.guardrails) if (g.metric !== plan.primary) push(g.metric, "guardrail", g.threshold);
  return inputs;
}

/** A mean with its 95% interval from an arm's estimate (normal approximation). */
export function meanWithInterval(arms: MetricArms, index: number) {
  const arm = estimatesFor(arms).arms[index];
  if (!arm?.ok) return { estimate: 0, lower: 0, upper: 0, reason: arm ? arm.reason : "no arm" };
  const half = 1.959963984540054 * Math.sqrt(arm.estimate.varianceOfMean);
  return { estimate: arm.estimate.mean, lower: arm.estimate.mean - half, upper: arm.estimate.mean + half };
}
