import {
  autoApplyGuardrails,
  DEFAULT_AUTO_APPLY,
  OPTIMIZER_STAFF_ID,
  requiredUpdates,
  storedAutoApply,
  type AutoApplySettings,
} from "~/experiments/auto-apply";
import { leverLabel, metricLabel } from "./present";

// The report's auto-apply card in words (ADR 0045): whether it is on, the rule that
// would fire, exactly what it may change (each variant's override, as the review step says
// it), the guardrails it watches, its last evaluation and the history of its decisions.

export interface AutoApplyAudit {
  id: string;
  action: string;
  staffId: string | null;
  staff: string | null;
  at: string;
  details: Record<string, unknown> | null;
}

export interface AutoApplyView {
  enabled: boolean;
  /** Null when it can be changed; otherwise why not (the holdout, an ended experiment). */
  locked: string | null;
  isBandit: boolean;
  settings: { probabilityBestPercent: number; holdHours: number; minMembersPerArm: number; minDays: number };
  rule: string;
  mayChange: { intro: string; variants: { name: string; change: string }[]; also: string };
  guardrails: string[];
  state: {
    tone: "success" | "info" | "critical" | undefined;
    title: string;
    lines: string[];
    at: string | null;
  };
  history: { id: string; at: string; text: string }[];
  /** The optimizer shipped this experiment and it is not reverted: one click reverts it. */
  revert: { version: number; variant: string } | null;
}

const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;

export function guardrailText(metric: string, threshold: number): string {
  const rises = ["rewardCost", "pointsLiability"].includes(metric);
  return `${metricLabel(metric)} may not ${rises ? "rise" : "fall"} by more than ${percent(threshold)}`;
}

export function ruleText(
  s: AutoApplySettings,
  e: { isBandit: boolean; primaryMetric: string | null; cadenceMinutes: number },
) {
  const metric = metricLabel(e.primaryMetric);
  const sample = `at least ${s.minMembersPerArm.toLocaleString("en-US")} members in every variant`;
  if (e.isBandit)
    return `Ships the variant whose probability of being best on ${metric} stays at or above ${percent(s.probabilityBest)} in every allocation update for ${s.holdHours} hours (${requiredUpdates(s.holdHours, e.cadenceMinutes)} consecutive updates), never during the burn-in, with ${sample} and every guardrail shown within its limit.`;
  return `Ships the variant the always-valid sequential test shows better than the control on ${metric} (95% confidence; it may be read at every hourly check), never in the first ${s.minDays} days, with ${sample} and every guardrail shown within its limit.`;
}

type Details = {
  by?: string;
  rule?: string;
  variant?: string;
  reasons?: string[];
  settings?: AutoApplySettings;
  version?: number;
};

/** One line of the auto-apply history, or null for an audit entry that is not about it. */
export function historyLine(
  a: AutoApplyAudit,
  variantName: (key: string) => string,
  isBandit: boolean,
): string | null {
  const d = (a.details ?? {}) as Details;
  const who = a.staff ?? "the app";
  if (a.action === "auto-apply on" && d.settings)
    return `Turned on by ${who}: ${
      isBandit
        ? `probability of being best ≥ ${percent(d.settings.probabilityBest)} held ${d.settings.holdHours} hours`
        : `no ship in the first ${d.settings.minDays} days`
    }, at least ${d.settings.minMembersPerArm} members per variant.`;
  if (a.action === "auto-apply off") return `Turned off by ${who}.`;
  if (a.staffId === OPTIMIZER_STAFF_ID && a.action === "shipped")
    return `Shipped ${variantName(d.variant ?? "")} (rule: ${d.rule ?? "—"}). ${(d.reasons ?? []).join(" ")}`;
  if (a.staffId === OPTIMIZER_STAFF_ID && a.action === "paused")
    return `Paused the experiment: ${(d.reasons ?? []).join(" ")}`;
  if (a.action === "revert")
    return `Ship reverted by ${who}${d.version ? ` (program version ${d.version})` : ""}.`;
  return null;
}

type Check = { at?: string; action?: string; reasons?: string[]; variant?: string } | null;

export function presentAutoApply(input: {
  experiment: {
    kind: string;
    status: string;
    lever: string | null;
    primaryMetric: string | null;
    guardrails: { metric: string; threshold: number }[];
    autoApply: unknown;
    autoApplyCheck: unknown;
    bandit: unknown;
    shippedVariant: string | null;
    shippedVersion: number | null;
  };
  cadenceMinutes: number;
  variants: { key: string; name: string; control: boolean; change: string }[];
  audit: AutoApplyAudit[];
  when: (iso: string) => string;
}): AutoApplyView {
  const { experiment: e, variants, audit } = input;
  const stored = storedAutoApply(e.autoApply);
  const s = stored ?? DEFAULT_AUTO_APPLY;
  const isBandit = e.bandit !== null && e.bandit !== undefined;
  const name = (key: string) => variants.find((v) => v.key === key)?.name ?? key;
  const locked =
    e.kind !== "test"
      ? "Auto-apply is for tests, not the program holdout."
      : e.status === "stopped" || e.status === "shipped"
        ? `The experiment is ${e.status}: there is nothing left to apply.`
        : null;
  const shippedByOptimizer = audit.find((a) => a.action === "shipped" && a.staffId === OPTIMIZER_STAFF_ID);
  const reverted = audit.some((a) => a.action === "revert");
  const check = e.autoApplyCheck as Check;
  let state: AutoApplyView["state"];
  if (shippedByOptimizer && e.shippedVariant)
    state = {
      tone: reverted ? "info" : "success",
      title: reverted
        ? `The optimizer shipped ${name(e.shippedVariant)}; the ship was reverted`
        : `The optimizer shipped ${name(e.shippedVariant)} as program version ${e.shippedVersion}`,
      lines: ((shippedByOptimizer.details as Details | null)?.reasons ?? []).slice(0, 1),
      at: shippedByOptimizer.at,
    };
  else if (!stored)
    state = { tone: undefined, title: "Off", lines: ["Nothing is applied without you."], at: null };
  else if (e.status === "paused" && check?.action === "block")
    state = {
      tone: "critical",
      title: "Blocked: the optimizer paused this experiment",
      lines: check.reasons ?? [],
      at: check.at ? input.when(check.at) : null,
    };
  else if (!check)
    state = {
      tone: "info",
      title: "On: waiting for the first check",
      lines: ["The optimizer checks every hour, and after each allocation update of a bandit."],
      at: null,
    };
  else
    state = {
      tone: check.action === "block" ? "critical" : "info",
      title: check.action === "block" ? "Blocked" : "On: watching",
      lines: check.reasons ?? [],
      at: check.at ? input.when(check.at) : null,
    };
  return {
    enabled: !!stored,
    locked,
    isBandit,
    settings: {
      probabilityBestPercent: Math.round(s.probabilityBest * 1000) / 10,
      holdHours: s.holdHours,
      minMembersPerArm: s.minMembersPerArm,
      minDays: s.minDays,
    },
    rule: ruleText(s, { isBandit, primaryMetric: e.primaryMetric, cadenceMinutes: input.cadenceMinutes }),
    mayChange: {
      intro: `It may change one part of your program, ${leverLabel(e.lever).toLowerCase()}, to the winning variant's setting, saved as a new program version that you can revert in one click:`,
      variants: variants.filter((v) => !v.control).map((v) => ({ name: v.name, change: v.change })),
      also: "It may also pause this experiment when a guardrail is breached. It changes nothing else.",
    },
    guardrails: [
      ...autoApplyGuardrails(e.guardrails, e.primaryMetric).map((g) => guardrailText(g.metric, g.threshold)),
      "Members must split between the variants as the allocation says (sample-ratio check, p ≥ 0.001)",
    ],
    state,
    history: audit.flatMap((a) => {
      const text = historyLine(a, name, isBandit);
      return text ? [{ id: a.id, at: a.at, text }] : [];
    }),
    revert:
      shippedByOptimizer && !reverted && e.shippedVersion !== null && e.shippedVariant
        ? { version: e.shippedVersion, variant: name(e.shippedVariant) }
        : null,
  };
}
