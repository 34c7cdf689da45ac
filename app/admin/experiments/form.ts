import { BANDIT_CONTEXT_LABELS, isBanditContext, type BanditContext } from "~/experiments/contexts";
import type { ExperimentInput } from "~/experiments/definition";
import type { Lever } from "~/experiments/levers";
import type { MetricKey } from "~/experiments/metric-keys";
import { minorUnitsPerMajor } from "~/loyalty/money";
import type { Program } from "~/loyalty/program";
import { MESSAGE_KIND_KEYS, type MessageKind } from "~/loyalty/program-messages";

// The create flow's draft: what the merchant types, as strings, per step. Each variant's
// override is a set of form fields for its lever (earn rate, reward costs, tier thresholds
// and multipliers, expiry days, campaign multipliers, message copy), never raw JSON; `toInput` turns the draft into the domain's
// experiment input, keeping only what differs from the live program, and the server's
// validation (422 with dotted field errors) is the judge. `overridePath` names the field
// each error belongs to.

export type OverrideFields = {
  pointsPerCurrencyUnit: string;
  signupBonus: string;
  /** Campaign id → its multiplier (multiplier campaigns) or its points (fixed campaigns). */
  campaigns: Record<string, string>;
  /** Reward id → points cost. */
  rewardCosts: Record<string, string>;
  /** Tier id → threshold in the basis unit (major currency units for spend). */
  tierThresholds: Record<string, string>;
  /** Tier id → earn multiplier. */
  tierMultipliers: Record<string, string>;
  expiryPolicy: "none" | "inactivity" | "fixedAge";
  expiryDays: string;
  /** Message kind → its subject and body templates. */
  messages: Record<MessageKind, { subject: string; body: string }>;
  /** The storefront widget's texts (empty: the widget's translated default). */
  copy: { guestPitch: string; memberGreeting: string; callToAction: string };
};

export type VariantDraft = {
  key: string;
  name: string;
  weight: string;
  control: boolean;
  fields: OverrideFields;
};

export type AudienceKind = "all" | "newMembers" | "tier" | "tags" | "segment";

export type ExperimentDraft = {
  key: string;
  name: string;
  hypothesis: string;
  lever: Lever;
  audienceKind: AudienceKind;
  audienceTierId: string;
  /** Comma-separated customer tags. */
  audienceTags: string;
  /** A saved segment's id (app/intelligence/segments). */
  audienceSegmentId: string;
  trafficPercent: string;
  primaryMetric: MetricKey;
  secondaryMetrics: MetricKey[];
  guardrails: { metric: MetricKey; thresholdPercent: string }[];
  grossMarginPercent: string;
  /** The message the messages lever's fields edit and its preview renders. */
  messageKind: MessageKind;
  variants: VariantDraft[];
  /** A fixed split by the variants' weights, or a bandit that moves traffic to the better arm. */
  allocation: "fixed" | "bandit";
  /** The bandit's settings as typed (experiments/definition.ts `banditInputSchema` judges them). */
  bandit: BanditDraft;
};

export type BanditDraft = {
  cadenceMinutes: string;
  burnInPeriods: string;
  minSharePercent: string;
  maxChangePercent: string;
  /** Contextual allocation (experiments/contexts.ts): "" for one allocation for everyone. */
  context?: string;
};

/** definition.ts's defaults: hourly updates, a day of burn-in, 5% per arm, 20 points per update. */
export const BANDIT_DEFAULTS: BanditDraft = {
  cadenceMinutes: "60",
  burnInPeriods: "24",
  minSharePercent: "5",
  maxChangePercent: "20",
  context: "",
};

/** The update cadences the create flow offers (definition.ts allows 15 minutes to a week). */
export const CADENCE_OPTIONS = [
  { label: "Every 15 minutes", value: "15" },
  { label: "Every hour", value: "60" },
  { label: "Every 6 hours", value: "360" },
  { label: "Every day", value: "1440" },
  { label: "Every week", value: "10080" },
];

/** A span of minutes in words: "1 day", "6 hours", "45 minutes". */
export function spanText(minutes: number): string {
  const unit = (n: number, word: string) =>
    `${n.toLocaleString("en-US", { maximumFractionDigits: 1 })} ${word}${n === 1 ? "" : "s"}`;
  if (minutes >= 1440 && minutes % 1440 === 0) return unit(minutes / 1440, "day");
  if (minutes >= 60 && minutes % 60 === 0) return unit(minutes / 60, "hour");
  return unit(minutes, "minute");
}

/** What the bandit will do, in words, for the review step (null for a fixed split). */
export function describeBandit(draft: ExperimentDraft, metricLabel: string): string | null {
  if (draft.allocation !== "bandit") return null;
  const cadence = Number(draft.bandit.cadenceMinutes) || 60;
  const burnIn = Number(draft.bandit.burnInPeriods);
  const arms = draft.variants.length;
  const every =
    CADENCE_OPTIONS.find((o) => o.value === String(cadence))?.label.toLowerCase() ??
    `every ${spanText(cadence)}`;
  const start =
    Number.isFinite(burnIn) && burnIn > 0
      ? `For the first ${burnIn} update${burnIn === 1 ? "" : "s"} (${spanText(burnIn * cadence)}) every variant gets an equal share (${Math.floor(1000 / arms) / 10}% each). After that, `
      : `From the first update, `;
  return (
    `${start}${every} the bandit gives new members to each variant in proportion to its chance of being best on ` +
    `${metricLabel.toLowerCase()}, never less than ${draft.bandit.minSharePercent}% per variant and moving no share by more ` +
    `than ${draft.bandit.maxChangePercent} points in one update. Members keep the variant they were first given. ` +
    `The variants' weights are not used.` +
    (isBanditContext(draft.bandit.context)
      ? ` Each ${BANDIT_CONTEXT_LABELS[draft.bandit.context].label.toLowerCase()} segment with enough members gets its own split, ` +
        `its results pulled toward the overall ones; smaller segments follow the overall split.`
      : "")
  );
}

const text = (n: number) => String(n);

/** Spend thresholds are typed in major units; points and order counts as they are. */
function thresholdScale(program: Program): number {
  return program.tiers.basis === "spend" ? minorUnitsPerMajor(program.currency) : 1;
}

/** The live program's values, as a variant with no override shows them. */
export function liveFields(program: Program): OverrideFields {
  const scale = thresholdScale(program);
  return {
    pointsPerCurrencyUnit: text(program.earning.pointsPerCurrencyUnit),
    signupBonus: text(program.earning.bonuses.signup),
    campaigns: Object.fromEntries(
      program.earning.campaigns.map((c) => [c.id, text(c.kind === "multiplier" ? c.multiplier : c.points)]),
    ),
    rewardCosts: Object.fromEntries(program.rewards.map((r) => [r.id, text(r.pointsCost)])),
    tierThresholds: Object.fromEntries(program.tiers.levels.map((l) => [l.id, text(l.threshold / scale)])),
    tierMultipliers: Object.fromEntries(
      program.tiers.levels.map((l) => [l.id, text(l.benefits.earnMultiplier)]),
    ),
    expiryPolicy: program.expiry.policy,
    expiryDays: program.expiry.policy === "none" ? "365" : text(program.expiry.days),
    messages: structuredClone(program.messages),
    copy: { ...program.widgetCopy },
  };
}

export function initialDraft(program: Program, lever: Lever = "earnRate"): ExperimentDraft {
  const fields = liveFields(program);
  return {
    key: "",
    name: "",
    hypothesis: "",
    lever,
    audienceKind: "all",
    audienceTierId: program.tiers.levels[0]?.id ?? "",
    audienceTags: "",
    audienceSegmentId: "",
    trafficPercent: "100",
    primaryMetric: "netMargin",
    secondaryMetrics: ["netRevenue", "orders"],
    guardrails: [{ metric: "netRevenue", thresholdPercent: "5" }],
    grossMarginPercent: "40",
    messageKind: "pointsEarned",
    allocation: "fixed",
    bandit: { ...BANDIT_DEFAULTS },
    variants: [
      { key: "control", name: "Control", weight: "50", control: true, fields },
      { key: "treatment", name: "Treatment", weight: "50", control: false, fields: structuredClone(fields) },
    ],
  };
}

export type Prefill = { lever: Lever; treatment: Partial<OverrideFields> };

/** The first draft, with the treatment set to a change proposed elsewhere (the program pages). */
export function prefilledDraft(program: Program, prefill?: Prefill | null): ExperimentDraft {
  const draft = initialDraft(program, prefill?.lever);
  const treatment = draft.variants[1];
  if (prefill && treatment) treatment.fields = { ...treatment.fields, ...prefill.treatment };
  return draft;
}

/** A typed number, or the text itself so the server's schema names what is wrong with it. */
function numberOr(value: string): number | string {
  const trimmed = value.trim();
  if (trimmed === "") return value;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : value;
}

/** The override a variant's fields make on `lever`: only what differs from the live program. */
export function overrideOf(lever: Lever, program: Program, fields: OverrideFields): Record<string, unknown> {
  const live = liveFields(program);
  switch (lever) {
    case "earnRate":
      return changed(fields.pointsPerCurrencyUnit, live.pointsPerCurrencyUnit)
        ? { earning: { pointsPerCurrencyUnit: numberOr(fields.pointsPerCurrencyUnit) } }
        : {};
    case "bonuses":
      return bonusesOverride(program, fields, live);
    case "rewards": {
      const any = program.rewards.some((r) =>
        changed(fields.rewardCosts[r.id] ?? "", live.rewardCosts[r.id]!),
      );
      if (!any) return {};
      return {
        rewards: program.rewards.map((r) => ({
          ...r,
          pointsCost: numberOr(fields.rewardCosts[r.id] ?? ""),
        })),
      };
    }
    case "tiers": {
      const levels = program.tiers.levels;
      const any = levels.some(
        (l) =>
          changed(fields.tierThresholds[l.id] ?? "", live.tierThresholds[l.id]!) ||
          changed(fields.tierMultipliers[l.id] ?? "", live.tierMultipliers[l.id]!),
      );
      if (!any) return {};
      const scale = thresholdScale(program);
      return {
        tiers: {
          levels: levels.map((l) => {
            const threshold = numberOr(fields.tierThresholds[l.id] ?? "");
            const multiplier = numberOr(fields.tierMultipliers[l.id] ?? "");
            return {
              ...l,
              threshold:
                typeof threshold === "number" ? Math.round(threshold * scale * 1e6) / 1e6 : threshold,
              benefits: { ...l.benefits, earnMultiplier: multiplier },
            };
          }),
        },
      };
    }
    case "expiry": {
      if (
        fields.expiryPolicy === live.expiryPolicy &&
        (fields.expiryPolicy === "none" || !changed(fields.expiryDays, live.expiryDays))
      )
        return {};
      if (fields.expiryPolicy === "none") return { expiry: { policy: "none" } };
      const notice = program.expiry.policy === "none" ? 30 : program.expiry.noticeDays;
      return {
        expiry: { policy: fields.expiryPolicy, days: numberOr(fields.expiryDays), noticeDays: notice },
      };
    }
    case "messages":
      return messagesOverride(fields, live);
    case "widgetCopy": {
      const keys = Object.keys(live.copy) as (keyof OverrideFields["copy"])[];
      const diff = keys.filter((k) => changed(fields.copy[k], live.copy[k]));
      return diff.length ? { widgetCopy: Object.fromEntries(diff.map((k) => [k, fields.copy[k]])) } : {};
    }
  }
}

const changed = (a: string, b: string) => a.trim() !== b.trim();

/** The signup bonus, and the campaigns as a whole list (the merge replaces arrays) when one changed. */
function bonusesOverride(program: Program, fields: OverrideFields, live: OverrideFields) {
  const earning: Record<string, unknown> = {};
  if (changed(fields.signupBonus, live.signupBonus))
    earning.bonuses = { signup: numberOr(fields.signupBonus) };
  const campaigns = program.earning.campaigns;
  if (campaigns.some((c) => changed(fields.campaigns[c.id] ?? "", live.campaigns[c.id]!)))
    earning.campaigns = campaigns.map((c) => {
      const value = numberOr(fields.campaigns[c.id] ?? "");
      return c.kind === "multiplier" ? { ...c, multiplier: value } : { ...c, points: value };
    });
  return Object.keys(earning).length ? { earning } : {};
}

/** Only the subjects and bodies that differ from the live program's, as typed. */
function messagesOverride(fields: OverrideFields, live: OverrideFields) {
  const messages: Record<string, Record<string, string>> = {};
  for (const kind of MESSAGE_KIND_KEYS)
    for (const part of ["subject", "body"] as const)
      if (fields.messages[kind][part] !== live.messages[kind][part])
        (messages[kind] ??= {})[part] = fields.messages[kind][part];
  return Object.keys(messages).length ? { messages } : {};
}

const wholeOr = (value: string) => numberOr(value);

/** The domain's experiment input (experiments/definition.ts) from the draft. */
export function toInput(draft: ExperimentDraft, program: Program): ExperimentInput {
  const audience =
    draft.audienceKind === "tier"
      ? { kind: "tier" as const, tierId: draft.audienceTierId }
      : draft.audienceKind === "tags"
        ? {
            kind: "tags" as const,
            tags: draft.audienceTags
              .split(",")
              .map((t) => t.trim())
              .filter(Boolean),
          }
        : draft.audienceKind === "segment"
          ? { kind: "segment" as const, segmentId: draft.audienceSegmentId }
          : { kind: draft.audienceKind };
  // The schema is the judge: malformed numbers go through as typed and come back as field errors.
  return {
    key: draft.key,
    name: draft.name,
    hypothesis: draft.hypothesis,
    lever: draft.lever,
    audience,
    trafficPercent: wholeOr(draft.trafficPercent) as number,
    primaryMetric: draft.primaryMetric,
    secondaryMetrics: draft.secondaryMetrics.filter((m) => m !== draft.primaryMetric),
    guardrails: draft.guardrails.map((g) => {
      const percent = numberOr(g.thresholdPercent);
      return {
        metric: g.metric,
        threshold: (typeof percent === "number" ? percent / 100 : percent) as number,
      };
    }),
    grossMarginPercent: wholeOr(draft.grossMarginPercent) as number,
    variants: draft.variants.map((v, i) => ({
      key: v.key,
      name: v.name,
      // A bandit ignores the weights (it starts at equal shares): equal whole percents summing to 100.
      weight: (draft.allocation === "bandit"
        ? equalPercent(draft.variants.length, i)
        : wholeOr(v.weight)) as number,
      control: v.control,
      override: v.control ? {} : overrideOf(draft.lever, program, v.fields),
    })),
    bandit:
      draft.allocation === "bandit"
        ? {
            cadenceMinutes: numberOr(draft.bandit.cadenceMinutes) as number,
            burnInPeriods: numberOr(draft.bandit.burnInPeriods) as number,
            minSharePercent: numberOr(draft.bandit.minSharePercent) as number,
            maxChangePercent: numberOr(draft.bandit.maxChangePercent) as number,
            // Passed as typed: definition.ts answers 422 on a context it does not know.
            ...(draft.bandit.context ? { context: draft.bandit.context as BanditContext } : {}),
          }
        : null,
  };
}

/** The i-th of `n` whole percents summing to 100 (the first ones take the remainder). */
function equalPercent(n: number, i: number): number {
  const base = Math.floor(100 / n);
  return base + (i < 100 - base * n ? 1 : 0);
}

/** A key from a name: "Double points!" → "double-points". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}

/**
 * Where a server field error belongs in the create flow: the step it is on, so the page can
 * open that step. Keys are the domain's dotted paths.
 */
export function stepOfError(path: string): Step {
  if (path.startsWith("variants")) return "variants";
  if (
    path === "audience" ||
    path.startsWith("audience.") ||
    path === "trafficPercent" ||
    path === "bandit" ||
    path.startsWith("bandit.")
  )
    return "audience";
  if (
    path === "primaryMetric" ||
    path.startsWith("secondaryMetrics") ||
    path.startsWith("guardrails") ||
    path === "grossMarginPercent"
  )
    return "metrics";
  return "lever";
}

export const STEPS = ["lever", "variants", "audience", "metrics", "power", "review"] as const;
export type Step = (typeof STEPS)[number];
