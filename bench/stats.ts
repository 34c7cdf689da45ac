// The analysis half of `bench:stats`: a full analysis of an experiment with 1,000,000
// exposed members, 3 variants and 8 metrics from sufficient statistics, plus the daily
// cumulative series (90 days) behind the cumulative-lift chart, with the sequential method.
// Members are drawn from the simulator's behavioural model (scripts/experiment-outcomes.ts)
// and reduced to per-day sufficient statistics outside the timing: that reduction is what
// PostgreSQL will do. Exits 1 above the target.
// The SQL half seeds a scratch database and times the aggregation (target < 10 s).
//   npm run bench:stats [-- --members 1000000 --days 90 --skip-sql]
import { parseArgs } from "node:util";

import {
  analyseExperiment,
  cumulativeSeries,
  type MetricArms,
  type MetricInput,
} from "../app/experiments/stats/analysis";
import { addMean, addPaired, emptyMean, emptyPaired, MemberOutcomes } from "../scripts/experiment-outcomes";
import { aggregationBench } from "./support/stats-sql";

const ANALYSIS_TARGET_MS = 1000;
const AGGREGATION_TARGET_MS = 10_000;

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "1000000" },
    days: { type: "string", default: "90" },
    "skip-sql": { type: "boolean", default: false },
  },
});
const members = Number(values.members);
const days = Number(values.days);
const variants = ["control", "B", "C"];
const weights = [1, 1, 1];
const effects = [0, 0.03, 0.05];

type Definition = Omit<MetricInput, "kind" | "arms"> & {
  kind: MetricArms["kind"];
  value: (m: Outcome) => [number, number];
};
type Outcome = {
  revenue: number;
  orders: number;
  preRevenue: number;
  redeemed: number;
  rewardCost: number;
  margin: number;
};

const definitions: Definition[] = [
  {
    key: "net_revenue",
    name: "net revenue per member",
    role: "primary",
    higherIsBetter: true,
    kind: "cuped",
    value: (m) => [m.revenue, m.preRevenue],
  },
  {
    key: "orders",
    name: "orders per member",
    role: "secondary",
    higherIsBetter: true,
    kind: "mean",
    value: (m) => [m.orders, 0],
  },
  {
    key: "conversion",
    name: "conversion",
    role: "secondary",
    higherIsBetter: true,
    kind: "mean",
    value: (m) => [m.orders > 0 ? 1 : 0, 0],
  },
  {
    key: "aov",
    name: "average order value",
    role: "secondary",
    higherIsBetter: true,
    kind: "ratio",
    value: (m) => [m.revenue, m.orders],
  },
  {
    key: "redemption",
    name: "redemption rate",
    role: "secondary",
    higherIsBetter: true,
    kind: "mean",
    value: (m) => [m.redeemed, 0],
  },
  {
    key: "repeat_60d",
    name: "repeat purchase within 60 days",
    role: "secondary",
    higherIsBetter: true,
    kind: "mean",
    value: (m) => [m.orders > 1 ? 1 : 0, 0],
  },
  {
    key: "reward_cost",
    name: "reward cost per member",
    role: "guardrail",
    higherIsBetter: false,
    threshold: 0.1,
    kind: "mean",
    value: (m) => [m.rewardCost, 0],
  },
  {
    key: "net_margin",
    name: "net incremental margin per member",
    role: "secondary",
    higherIsBetter: true,
    kind: "mean",
    value: (m) => [m.margin, 0],
  },
];

// Per day, per metric, per arm: the statistics of the members exposed that day.
const generationStarted = performance.now();
const outcomes = new MemberOutcomes(20261206);
const daily = Array.from({ length: days }, () =>
  definitions.map((d) => variants.map(() => (d.kind === "mean" ? emptyMean() : emptyPaired()))),
);
const exposed = [0, 0, 0];
for (let i = 0; i < members; i++) {
  const arm = outcomes.rng.int(3);
  const day = Math.min(days - 1, Math.floor((i / members) * days));
  const base = outcomes.draw(effects[arm]!);
  const redeemed = base.orders > 0 && outcomes.rng.chance(0.2) ? 1 : 0;
  const rewardCost = redeemed * 10;
  const outcome: Outcome = { ...base, redeemed, rewardCost, margin: base.revenue * 0.45 - rewardCost };
  exposed[arm]!++;
  definitions.forEach((d, k) => {
    const [y, x] = d.value(outcome);
    const stats = daily[day]![k]![arm]!;
    if ("sum" in stats) addMean(stats, y);
    else addPaired(stats, y, x);
  });
}

// Cumulative statistics as of each day, as the SQL aggregation will return them.
function cumulative(k: number): MetricArms[] {
  const kind = definitions[k]!.kind;
  const running = variants.map(() => (kind === "mean" ? emptyMean() : emptyPaired()));
  return daily.map((day) => {
    day[k]!.forEach((stats, arm) => {
      const total = running[arm]! as unknown as Record<string, number>;
      for (const [key, value] of Object.entries(stats)) total[key] = (total[key] ?? 0) + value;
    });
    return { kind, arms: running.map((s) => ({ ...s })) } as MetricArms;
  });
}
const series = definitions.map((_, k) => cumulative(k));
const generationSeconds = (performance.now() - generationStarted) / 1000;
console.log(
  `generated ${members.toLocaleString("en-US")} members over ${days} days in ${generationSeconds.toFixed(1)} s (not timed: the SQL half's job)`,
);

// The SQL half: the experiments domain's own aggregation (app/experiments/metrics.server.ts,
// every metric of metrics.ts) over a scratch database seeded with the same number of exposed
// members, their orders, refunds, redemptions and ledger entries, timed on its own line.
const aggregationMs = values["skip-sql"] ? null : await aggregationBench(members, days);

const options = { method: "sequential" as const, sequentialTuning: members };
const started = performance.now();
const analysis = analyseExperiment(
  {
    variants,
    weights,
    exposed,
    reachedPlannedEnd: true,
    metrics: definitions.map((d, k) => {
      const { value: _value, ...metric } = d;
      return { ...metric, ...series[k]![days - 1]! } as MetricInput;
    }),
  },
  options,
);
const charts = series.map((metricDays) => cumulativeSeries(metricDays, variants, options));
const elapsedMs = performance.now() - started;

const primary = analysis.metrics[0]!;
for (const v of primary.variants) {
  const rel = v.frequentist.ok ? v.frequentist.relative : null;
  if (rel)
    console.log(
      `  ${v.variant}: ${primary.name} ${(rel.estimate * 100).toFixed(2)}% [${(rel.lower * 100).toFixed(2)}%, ${(rel.upper * 100).toFixed(2)}%]`,
    );
}
console.log(
  `  CUPED variance reduction ${((primary.cuped?.varianceReduction ?? 0) * 100).toFixed(1)}%; SRM p = ${analysis.srm.pValue.toFixed(3)}`,
);
console.log(
  `  decision: ${analysis.decision.verdict}${analysis.decision.variant ? ` ${analysis.decision.variant}` : ""}: ${analysis.decision.reasons[0]}`,
);
console.log(
  `  ${charts.length} metrics x ${charts[0]!.length} days x ${variants.length - 1} variants in the cumulative series`,
);
console.log(
  `stats-analysis: ${elapsedMs < 1 ? elapsedMs.toFixed(2) : elapsedMs.toFixed(0)} ms (target < 1 s)`,
);
process.exit(
  elapsedMs < ANALYSIS_TARGET_MS && (aggregationMs === null || aggregationMs < AGGREGATION_TARGET_MS) ? 0 : 1,
);
