import type { ExperimentInput } from "../app/experiments/definition";
import type { Lever } from "../app/experiments/levers";
import { applyOverrides } from "../app/loyalty/member-program";
import type { Program } from "../app/loyalty/program";
import type { Scenario, Variant } from "./scenario/schema";
import { baselineKey } from "./truth/variants";
import { variantProgram } from "./sim";

// How a scenario's variants become the app's experiments: a holdout variant becomes the
// program holdout; the other variants become one experiment on the one lever they differ in
// (earn rate, rewards or tiers), with the baseline (or the first program variant) as its
// control and live program. The scenario gives every variant an equal share, so the holdout
// takes 1/n of customers and the experiment splits the rest equally.

export interface DesignArm {
  /** The scenario variant's key. */
  key: string;
  program: Program;
  heldOut: boolean;
  /** The share of customers the app's weights promise this arm. */
  share: number;
}

/** One analysis: arms control first; an arm may pool several variants (the holdout's "program" arm). */
export interface DesignComparison {
  report: string;
  arms: Array<{ name: string; keys: string[]; mix: number[]; weight: number }>;
}

export interface AppDesign {
  live: Program;
  control: Variant;
  holdout: { key: string; sharePercent: number } | null;
  experiment: {
    input: ExperimentInput & { key: string; lever: Lever };
    /** `<experiment key>:<variant key>` (as resolved programs name it) → scenario variant key. */
    armByQualifiedKey: Map<string, string>;
  } | null;
  arms: DesignArm[];
  comparisons: DesignComparison[];
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 40) || "sim";

/** Equal whole-percent weights summing to 100 (the first ones take the remainder). */
export function equalWeights(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(100 / n) + (i < 100 % n ? 1 : 0));
}

function leverAndOverride(
  live: Program,
  program: Program,
): { lever: Lever; patch: Record<string, unknown> }[] {
  const out: { lever: Lever; patch: Record<string, unknown> }[] = [];
  if (program.earning.pointsPerCurrencyUnit !== live.earning.pointsPerCurrencyUnit)
    out.push({
      lever: "earnRate",
      patch: { earning: { pointsPerCurrencyUnit: program.earning.pointsPerCurrencyUnit } },
    });
  if (JSON.stringify(program.rewards) !== JSON.stringify(live.rewards))
    out.push({ lever: "rewards", patch: { rewards: program.rewards } });
  if (JSON.stringify(program.tiers) !== JSON.stringify(live.tiers))
    out.push({ lever: "tiers", patch: { tiers: program.tiers } });
  return out;
}

/** The scenario's bandit settings as the app's experiment input takes them (without the arrivals). */
function banditOf({ arrivalDays: _arrivals, ...settings }: NonNullable<Scenario["bandit"]>) {
  return settings;
}

export function appDesign(scenario: Scenario, currency: string): AppDesign {
  const n = scenario.variants.length;
  const holdoutVariant = scenario.variants.find((v) => v.holdout) ?? null;
  const programVariants = scenario.variants.filter((v) => !v.holdout);
  if (programVariants.length === 0)
    throw new Error(`Scenario ${scenario.name} has no program variant to run.`);
  const baseline = baselineKey(scenario);
  const control = programVariants.find((v) => v.key === baseline) ?? programVariants[0]!;
  const live = variantProgram(control, currency);
  const sharePercent = holdoutVariant ? Math.round(100 / n) : 0;
  const programShare = 1 - sharePercent / 100;

  const ordered = [control, ...programVariants.filter((v) => v !== control)];
  const weights = equalWeights(ordered.length);
  const changes = ordered.map((v) => leverAndOverride(live, variantProgram(v, currency)));
  const levers = new Set(changes.flatMap((c) => c.map((x) => x.lever)));
  if (levers.size > 1)
    throw new Error(
      `An app experiment tests one lever; the variants of ${scenario.name} change ${[...levers].join(", ")}.`,
    );
  const lever: Lever = [...levers][0] ?? "earnRate";
  const patches = changes.map((c) => c[0]?.patch ?? {});

  const arms: DesignArm[] = ordered.map((v, i) => ({
    key: v.key,
    program: applyOverrides(live, [{ variantKey: v.key, patch: patches[i]! }]),
    heldOut: false,
    share: (programShare * weights[i]!) / 100,
  }));
  if (holdoutVariant)
    arms.unshift({ key: holdoutVariant.key, program: live, heldOut: true, share: sharePercent / 100 });

  let experiment: AppDesign["experiment"] = null;
  const comparisons: DesignComparison[] = [];
  if (holdoutVariant)
    comparisons.push({
      report: "holdout",
      arms: [
        { name: holdoutVariant.key, keys: [holdoutVariant.key], mix: [1], weight: sharePercent },
        {
          name: "program",
          keys: ordered.map((v) => v.key),
          mix: weights.map((w) => w / 100),
          weight: 100 - sharePercent,
        },
      ],
    });
  if (ordered.length >= 2) {
    const key = slug(scenario.name);
    experiment = {
      input: {
        key,
        name: `Simulated scenario ${scenario.name}`,
        hypothesis: scenario.description.slice(0, 2000),
        lever,
        primaryMetric: "netRevenue",
        secondaryMetrics: ["orders"],
        ...(scenario.bandit ? { bandit: banditOf(scenario.bandit) } : {}),
        variants: ordered.map((v, i) => ({
          key: slug(v.key),
          name: v.description || v.key,
          weight: weights[i]!,
          control: i === 0,
          override: patches[i]!,
        })),
      },
      armByQualifiedKey: new Map(ordered.map((v) => [`${key}:${slug(v.key)}`, v.key])),
    };
    comparisons.push({
      report: key,
      arms: ordered.map((v, i) => ({ name: v.key, keys: [v.key], mix: [1], weight: weights[i]! })),
    });
  }
  if (holdoutVariant && holdoutVariant.key === baseline && ordered.length >= 2)
    comparisons.push({
      report: "scenario",
      arms: arms.map((a) => ({ name: a.key, keys: [a.key], mix: [1], weight: a.share * 100 })),
    });
  return {
    live,
    control,
    holdout: holdoutVariant && { key: holdoutVariant.key, sharePercent },
    experiment,
    arms,
    comparisons,
  };
}
