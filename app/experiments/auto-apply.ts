import { z } from "zod";
import { guardrailState, type Guardrail, type GuardrailState } from "./stats/decision";
import type { Comparison } from "./stats/frequentist";
import type { SrmResult } from "./stats/srm";

// Auto-apply with guardrails (issue 16 item 4, ADR 0045): the pure rule that says
// whether the optimizer ships an experiment's winner now, waits, or stops it for a breach.
// The worker loads the evidence (auto-apply.server.ts), this decides, the lifecycle writes.
// The order of the checks is the order of trust, as in stats/decision.ts:
//   1. every arm has the minimum sample (below it the intervals' normal approximation is not
//      worth acting on, either way);
//   2. a sample-ratio mismatch (p < 0.001) or any arm's guardrail breached (its whole
//      always-valid interval past the limit) blocks, and the experiment is paused;
//   3. nothing ships in the burn-in: a bandit's updates in burn-in break the hold below, and a
//      fixed split waits `minDays` from launch;
//   4. the winner: a fixed split's always-valid (sequential) test significant in the primary
//      metric's good direction (the surest win when several are); a bandit's arm whose
//      probability of being best stayed ≥ `probabilityBest` in every update for `holdHours`
//      (and in at least two consecutive updates);
//   5. the winner's guardrails must each be shown within their limit, else it waits.

/** Who the optimizer's program versions and audit entries name (admin/components/staff.ts says "the optimizer"). */
export const OPTIMIZER_STAFF_ID = "optimizer";

export interface AutoApplySettings {
  /** Bandit: the probability of being best the winner must hold (0.95 by default). */
  probabilityBest: number;
  /** Bandit: how long it must hold it (in consecutive allocation updates covering this many hours). */
  holdHours: number;
  /** Every arm needs this many exposed members before the optimizer ships or pauses. */
  minMembersPerArm: number;
  /** Fixed split: nothing ships in its first days (a full weekly cycle by default). */
  minDays: number;
}

export const DEFAULT_AUTO_APPLY: AutoApplySettings = {
  probabilityBest: 0.95,
  holdHours: 24,
  minMembersPerArm: 100,
  minDays: 7,
};

/** What the merchant submits to turn auto-apply on (the admin's percents); 422s on each field. */
export const autoApplyInputSchema = z.object({
  probabilityBestPercent: z.coerce
    .number({ error: "Enter a percent." })
    .min(80, { error: "At least 80%." })
    .max(99.9, { error: "At most 99.9%." })
    .default(95),
  holdHours: z.coerce
    .number({ error: "Enter whole hours." })
    .int({ error: "Enter whole hours." })
    .min(1, { error: "At least 1 hour." })
    .max(24 * 28, { error: "At most four weeks." })
    .default(24),
  minMembersPerArm: z.coerce
    .number({ error: "Enter a whole number." })
    .int({ error: "Enter a whole number." })
    .min(30, { error: "At least 30 members per variant." })
    .max(1_000_000, { error: "At most 1,000,000." })
    .default(100),
  minDays: z.coerce
    .number({ error: "Enter whole days." })
    .int({ error: "Enter whole days." })
    .min(1, { error: "At least 1 day." })
    .max(90, { error: "At most 90 days." })
    .default(7),
});

export function autoApplySettings(input: z.output<typeof autoApplyInputSchema>): AutoApplySettings {
  return {
    probabilityBest: input.probabilityBestPercent / 100,
    holdHours: input.holdHours,
    minMembersPerArm: input.minMembersPerArm,
    minDays: input.minDays,
  };
}

/** The stored setting (null = off), with defaults for anything missing. */
export function storedAutoApply(json: unknown): AutoApplySettings | null {
  if (json === null || json === undefined || typeof json !== "object") return null;
  return { ...DEFAULT_AUTO_APPLY, ...(json as Partial<AutoApplySettings>) };
}

/**
 * The guardrails auto-apply always watches, besides the experiment's own: reward cost and
 * points liability per member may not rise by more than 25%, net margin per member may not
 * fall by more than 5%. The experiment's own threshold for the same metric wins.
 */
export const AUTO_APPLY_GUARDRAILS = [
  { metric: "rewardCost", threshold: 0.25 },
  { metric: "pointsLiability", threshold: 0.25 },
  { metric: "netMargin", threshold: 0.05 },
] as const;

/** The experiment's guardrails and the defaults above, each metric once, the primary left out. */
export function autoApplyGuardrails<K extends string>(
  own: readonly { metric: K; threshold: number }[],
  primary: string | null,
): { metric: K; threshold: number }[] {
  const merged = new Map<string, { metric: K; threshold: number }>();
  for (const g of AUTO_APPLY_GUARDRAILS)
    merged.set(g.metric, { metric: g.metric as K, threshold: g.threshold });
  for (const g of own) merged.set(g.metric, g);
  return [...merged.values()].filter((g) => g.metric !== primary);
}

/** The allocation updates a bandit's winner must hold P(best) over: at least two, covering `holdHours`. */
export const requiredUpdates = (holdHours: number, cadenceMinutes: number) =>
  Math.max(2, Math.ceil((holdHours * 60) / cadenceMinutes));

export interface ArmState {
  key: string;
  name: string;
  control: boolean;
  members: number;
  /**
   * Bandit: the allocation in force already holds this arm at its minimum share. The bandit is
   * starving it; its guardrail breach is reported but does not pause the experiment (shipping
   * the winner ends its exposure sooner than a pause would).
   */
  atFloor?: boolean;
}

/** One stored allocation update of a bandit: its phase and each arm's P(best) (arm order), if any. */
export interface BanditUpdateRecord {
  period: number;
  at: Date;
  phase: string;
  probabilityBest: number[] | null;
}

export type PrimaryEvidence =
  | {
      kind: "fixed";
      metric: string;
      higherIsBetter: boolean;
      /** Each variant (not the control) against the control, by the sequential test. */
      comparisons: { variant: string; comparison: Comparison }[];
    }
  | { kind: "bandit"; metric: string; cadenceMinutes: number; updates: BanditUpdateRecord[] };

export interface AutoApplyInput {
  settings: AutoApplySettings;
  now: Date;
  launchedAt: Date;
  /** Every arm, in the order `probabilityBest` lists them. */
  arms: ArmState[];
  srm: SrmResult;
  /** Each variant's guardrails (not the control's) against the control. */
  guardrails: { variant: string; guardrails: Guardrail[] }[];
  primary: PrimaryEvidence;
}

export interface AutoApplySnapshot {
  members: Record<string, number>;
  srmPValue: number;
  primary:
    | {
        kind: "fixed";
        metric: string;
        variant: string;
        lift: { estimate: number; lower: number; upper: number; scale: string };
        pValue: number;
      }
    | {
        kind: "bandit";
        metric: string;
        probabilityBest: Record<string, number>;
        heldUpdates: number;
        since: string;
      }
    | null;
  guardrails: { variant: string; metric: string; state: GuardrailState["state"]; text: string }[];
}

export type AutoApplyDecision = (
  { action: "ship"; variant: string; rule: string } | { action: "block" } | { action: "wait" }
) & { reasons: string[]; snapshot: AutoApplySnapshot };

const DAY_MS = 86_400_000;
const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

function guardrailStates(input: AutoApplyInput) {
  return input.guardrails.flatMap((v) =>
    v.guardrails.map((g) => ({ variant: v.variant, metric: g.metric, ...guardrailState(g) })),
  );
}

function snapshotOf(
  input: AutoApplyInput,
  states: ReturnType<typeof guardrailStates>,
  primary: AutoApplySnapshot["primary"] = null,
): AutoApplySnapshot {
  return {
    members: Object.fromEntries(input.arms.map((a) => [a.key, a.members])),
    srmPValue: input.srm.pValue,
    primary,
    guardrails: states.map((s) => ({ variant: s.variant, metric: s.metric, state: s.state, text: s.text })),
  };
}

const nameOf = (input: AutoApplyInput, key: string) => input.arms.find((a) => a.key === key)?.name ?? key;

/** Whether to ship a winner now, wait, or block (see the top of the file). */
export function autoApplyDecision(input: AutoApplyInput): AutoApplyDecision {
  const { settings } = input;
  const states = guardrailStates(input);
  const wait = (reasons: string[], primary?: AutoApplySnapshot["primary"]): AutoApplyDecision => ({
    action: "wait",
    reasons,
    snapshot: snapshotOf(input, states, primary),
  });
  const short = input.arms.filter((a) => a.members < settings.minMembersPerArm);
  if (short.length)
    return wait([
      `Every variant needs ${settings.minMembersPerArm} members before auto-apply acts; ${short
        .map((a) => `${a.name} has ${a.members}`)
        .join(", ")}.`,
    ]);
  const floor = new Set(input.arms.filter((a) => a.atFloor).map((a) => a.key));
  const breached = states.filter((s) => s.state === "breached");
  const breaches = breached.filter((s) => !floor.has(s.variant));
  const starved = breached
    .filter((s) => floor.has(s.variant))
    .map(
      (s) =>
        `${nameOf(input, s.variant)}: ${s.text}; the bandit already holds it at its minimum share, and shipping the winner ends it.`,
    );
  if (input.srm.warning || breaches.length)
    return {
      action: "block",
      reasons: [
        ...(input.srm.warning
          ? [
              `Sample ratio mismatch (p = ${input.srm.pValue.toExponential(1)} < 0.001): the arms received ${input.srm.counts.join(" / ")} members where ${input.srm.expected.map((e) => Math.round(e)).join(" / ")} were expected, so no result can be trusted.`,
            ]
          : []),
        ...breaches.map((b) => `${nameOf(input, b.variant)}: ${b.text}.`),
      ],
      snapshot: snapshotOf(input, states),
    };
  const winner =
    input.primary.kind === "fixed" ? fixedWinner(input, input.primary) : banditWinner(input, input.primary);
  if (!winner.variant) return wait([...winner.reasons, ...starved], winner.primary);
  const unsafe = states.filter((s) => s.variant === winner.variant && s.state !== "safe");
  if (unsafe.length)
    return wait(
      [
        ...winner.reasons,
        `It waits until every guardrail is shown within its limit: ${unsafe.map((s) => s.text).join("; ")}.`,
      ],
      winner.primary,
    );
  return {
    action: "ship",
    variant: winner.variant,
    rule: winner.rule!,
    reasons: [
      ...winner.reasons,
      ...states.filter((s) => s.variant === winner.variant).map((s) => `${sentence(s.text)}.`),
      ...starved,
    ],
    snapshot: snapshotOf(input, states, winner.primary),
  };
}

type Winner = { variant?: string; rule?: string; reasons: string[]; primary?: AutoApplySnapshot["primary"] };

function fixedWinner(input: AutoApplyInput, primary: Extract<PrimaryEvidence, { kind: "fixed" }>): Winner {
  const opens = new Date(input.launchedAt.getTime() + input.settings.minDays * DAY_MS);
  if (input.now < opens)
    return { reasons: [`Nothing ships in the first ${input.settings.minDays} days (a full weekly cycle).`] };
  const oriented = (c: Extract<Comparison, { ok: true }>) =>
    primary.higherIsBetter ? c.absolute.lower : -c.absolute.upper;
  const winners = primary.comparisons
    .flatMap((v) =>
      v.comparison.ok && v.comparison.method === "sequential" ? [{ ...v, c: v.comparison }] : [],
    )
    .filter((v) => oriented(v.c) > 0)
    .sort((a, b) => oriented(b.c) - oriented(a.c));
  const best = winners[0];
  if (!best)
    return {
      reasons: [
        `No variant beats the control on ${primary.metric} by the always-valid sequential test yet.`,
        ...primary.comparisons.flatMap((v) =>
          v.comparison.ok ? [] : [`${nameOf(input, v.variant)}: ${v.comparison.reason}.`],
        ),
      ],
    };
  const lift = best.c.relative ?? best.c.absolute;
  const scale = best.c.relative ? "relative" : "absolute";
  const show = (x: number) => (scale === "relative" ? pct(x) : x.toFixed(2));
  return {
    variant: best.variant,
    rule: "sequential test",
    reasons: [
      `${nameOf(input, best.variant)} changed ${primary.metric} by ${show(lift.estimate)} (always-valid interval ${show(lift.lower)} to ${show(lift.upper)}, p = ${best.c.absolute.pValue.toPrecision(2)}): better than the control beyond noise.`,
    ],
    primary: {
      kind: "fixed",
      metric: primary.metric,
      variant: best.variant,
      lift: { estimate: lift.estimate, lower: lift.lower, upper: lift.upper, scale },
      pValue: best.c.absolute.pValue,
    },
  };
}

function banditWinner(input: AutoApplyInput, primary: Extract<PrimaryEvidence, { kind: "bandit" }>): Winner {
  const { probabilityBest: threshold, holdHours } = input.settings;
  const updates = [...primary.updates].sort((a, b) => a.period - b.period);
  const latest = updates.at(-1);
  if (!latest || latest.phase !== "thompson" || !latest.probabilityBest)
    return {
      reasons: [
        latest?.phase === "burn-in"
          ? "The bandit is in its burn-in: nothing ships until its allocation follows the data."
          : "The bandit has not moved traffic on the data yet: nothing ships before it does.",
      ],
    };
  const probabilities = latest.probabilityBest;
  const leader = probabilities.indexOf(Math.max(...probabilities));
  const arm = input.arms[leader]!;
  const snapshot = (held: number, since: Date): AutoApplySnapshot["primary"] => ({
    kind: "bandit",
    metric: primary.metric,
    probabilityBest: Object.fromEntries(input.arms.map((a, i) => [a.key, probabilities[i] ?? 0])),
    heldUpdates: held,
    since: since.toISOString(),
  });
  if (probabilities[leader]! < threshold)
    return {
      reasons: [
        `The leader, ${arm.name}, is best on ${primary.metric} with probability ${pct(probabilities[leader]!)}; auto-apply needs ${pct(threshold)}.`,
      ],
      primary: snapshot(0, latest.at),
    };
  let held = 0;
  for (let i = updates.length - 1; i >= 0; i--) {
    const u = updates[i]!;
    if (u.phase !== "thompson" || !u.probabilityBest || (u.probabilityBest[leader] ?? 0) < threshold) break;
    held++;
  }
  const since = updates[updates.length - held]!.at;
  const needed = requiredUpdates(holdHours, primary.cadenceMinutes);
  if (held < needed)
    return {
      reasons: [
        `${arm.name} is best with probability ${pct(probabilities[leader]!)}, held for ${held} of the ${needed} consecutive updates (${holdHours} hours) auto-apply needs.`,
      ],
      primary: snapshot(held, since),
    };
  if (arm.control)
    return {
      reasons: [
        `The control, ${arm.name}, is the best arm (probability ${pct(probabilities[leader]!)}): there is nothing to ship. Stop the bandit to end it.`,
      ],
      primary: snapshot(held, since),
    };
  return {
    variant: arm.key,
    rule: "probability of being best",
    reasons: [
      `${arm.name} has been the best arm on ${primary.metric} with probability ≥ ${pct(threshold)} in each of the last ${held} updates (now ${pct(probabilities[leader]!)}).`,
    ],
    primary: snapshot(held, since),
  };
}
