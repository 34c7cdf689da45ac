import { formatDateTime } from "~/admin/components/time";
import type { BanditReport } from "~/experiments/bandit.server";
import { periodAt, storedBandit } from "~/experiments/bandit.server";
import type { ArmSummary } from "~/experiments/stats/bandit-allocation";
import { formatChance, formatMetricValue, METRIC_UNITS } from "./report-present";

// The bandit part of the report page (ADR 0038-bandits): the allocation over time (period 0
// at equal shares from launch, then each stored allocation from the instant it applied), each
// arm's posterior on the primary metric as the last update computed it (mean and 95%
// interval), its probability of being best and expected loss, the weights in force, the phase
// (burn-in, waiting for data, Thompson sampling) and when the next update is due. Pure: numbers
// become texts here, in the shop's currency and time zone.

const Z95 = 1.959963984540054;

export type BanditArmRow = {
  key: string;
  variant: string;
  members: string;
  weight: string;
  mean: string;
  interval: string;
  probabilityBest: string;
  expectedLoss: string;
  /** For the chart of means with their intervals (raw numbers, metric units). */
  raw: { mean: number; lower: number; upper: number } | null;
};

export type BanditView = {
  metric: { key: string; name: string; unit: string };
  phase: { label: string; tone: "info" | "attention" | "success"; text: string };
  settings: string[];
  /** The allocation history for the stacked area chart: one point per period, shares per arm. */
  history: { label: string; shares: Record<string, number> }[];
  arms: BanditArmRow[];
  /** When the arms' posterior was computed (the last update with one), or null. */
  posteriorAt: string | null;
  lastUpdate: string | null;
  nextUpdate: string | null;
  notes: string[];
  /** The share of members each arm should have had under the allocations at their exposure (SRM). */
  expectedShares: Record<string, number>;
};

type StoredPosterior = { arms: ArmSummary[]; notes?: string[]; method?: string } | null;

const percent = (x: number) =>
  `${(Math.round(x * 1000) / 10).toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;

function cadenceText(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? "every day" : `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? "every hour" : `every ${minutes / 60} hours`;
  return `every ${minutes} minutes`;
}

export function presentBandit(input: {
  report: BanditReport;
  bandit: unknown;
  launchedAt: Date | null;
  status: string;
  now: Date;
  variants: { key: string; name: string; exposed: number }[];
  /** The variant keys in position order: the order the update stored the posterior's arms in. */
  positionKeys: readonly string[];
  metric: { key: string; name: string; higherIsBetter: boolean };
  currency: string;
  timeZone: string | null;
}): BanditView {
  const { report, variants, currency, timeZone, metric } = input;
  const settings = storedBandit(input.bandit);
  const unit = METRIC_UNITS[metric.key] ?? "count";
  const value = (x: number) => formatMetricValue(x, unit, currency);
  const when = (d: Date) => formatDateTime(d, timeZone);
  const keys = variants.map((v) => v.key);
  const equal = Object.fromEntries(keys.map((k) => [k, 1 / keys.length]));

  const history: BanditView["history"] = [];
  if (input.launchedAt) history.push({ label: when(input.launchedAt), shares: equal });
  for (const a of report.allocations) history.push({ label: when(a.effectiveFrom), shares: a.weights });

  const latest = report.allocations.at(-1) ?? null;
  const current = latest?.weights ?? equal;
  const withPosterior = [...report.allocations].reverse().find((a) => a.posterior);
  const posterior = (withPosterior?.posterior ?? null) as StoredPosterior;

  // The stored posterior lists arms in position order; the report's variants are control first.
  const order = input.positionKeys;
  const arms = variants.map((v): BanditArmRow => {
    const summary = posterior?.arms[order.indexOf(v.key)];
    const base = {
      key: v.key,
      variant: v.name,
      members: v.exposed.toLocaleString("en-US"),
      weight: percent(current[v.key] ?? 0),
    };
    if (!summary)
      return { ...base, mean: "—", interval: "—", probabilityBest: "—", expectedLoss: "—", raw: null };
    const mean = summary.posterior.mean;
    const half = Z95 * summary.posterior.sd;
    return {
      ...base,
      mean: value(mean),
      interval: `${value(mean - half)} to ${value(mean + half)}`,
      probabilityBest: formatChance(summary.probabilityBest),
      expectedLoss: value(summary.expectedLoss),
      raw: { mean, lower: mean - half, upper: mean + half },
    };
  });

  const period = input.launchedAt ? periodAt(input.launchedAt, settings.cadenceMinutes, input.now) : 0;
  const running = input.status === "running" && !!input.launchedAt;
  const nextAt =
    running && input.launchedAt
      ? new Date(input.launchedAt.getTime() + (period + 1) * settings.cadenceMinutes * 60_000)
      : null;
  const burnInEnds = input.launchedAt
    ? new Date(input.launchedAt.getTime() + settings.burnInPeriods * settings.cadenceMinutes * 60_000)
    : null;

  let phase: BanditView["phase"];
  if (!input.launchedAt) phase = { label: "Not launched", tone: "info", text: "Not launched yet." };
  else if (period < settings.burnInPeriods)
    phase = {
      label: "Burn-in",
      tone: "info",
      text: `Every arm gets an equal share until ${when(burnInEnds!)} (${settings.burnInPeriods} updates), so the first results cannot move traffic.`,
    };
  else if (!latest || latest.phase === "burn-in")
    phase = {
      label: "Burn-in over",
      tone: "info",
      text: "The burn-in is over; the next update moves traffic if the data allow.",
    };
  else if (latest.phase === "waiting-for-data")
    phase = {
      label: "Waiting for data",
      tone: "attention",
      text: `The allocation is kept: ${latest.reason.replace(/^allocation kept: /, "")}.`,
    };
  else
    phase = {
      label: "Moving traffic",
      tone: "success",
      text: "Each update gives every arm a share that follows its probability of being best, within the floor and the step limit.",
    };
  if (!running && input.launchedAt)
    phase = {
      ...phase,
      text: `${phase.text} The experiment is ${input.status}: the allocation no longer updates.`,
    };

  return {
    metric: { key: metric.key, name: metric.name, unit },
    phase,
    settings: [
      `Updates ${cadenceText(settings.cadenceMinutes)}`,
      `burn-in ${settings.burnInPeriods} update${settings.burnInPeriods === 1 ? "" : "s"} at equal shares`,
      `at least ${percent(settings.minShare)} per arm`,
      `at most ${Math.round(settings.maxChange * 100)} points of change per update`,
      `traffic moves once there are ${settings.minMembersPerArm.toLocaleString("en-US")} members per arm`,
    ],
    history,
    arms,
    posteriorAt: withPosterior ? when(withPosterior.effectiveFrom) : null,
    lastUpdate: latest ? when(latest.effectiveFrom) : null,
    nextUpdate: nextAt ? when(nextAt) : null,
    notes: posterior?.notes ?? [],
    expectedShares: report.expectedShares,
  };
}
