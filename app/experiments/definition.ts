import { BANDIT_CONTEXTS } from "./contexts";
import { z } from "zod";
import { defaultTrigger, EXPOSURE_TRIGGERS, LEVER_KEYS, LEVERS, triggerAllowed } from "./levers";
import { METRIC_KEYS } from "./metric-keys";
import { METRICS } from "./metrics";
import { optimizerSettingsSchema } from "./optimizer";

// What a merchant (or the simulator) submits to create or edit a draft experiment. Zod
// turns every malformed field into a field error (422); the service adds what needs the
// database: each variant's override against the live program, and the layer's free room.

const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: "Use lower-case letters, digits and dashes (at most 40)." });

export const audienceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("newMembers") }),
  z.object({ kind: z.literal("tier"), tierId: z.string().trim().min(1, { error: "Choose a tier." }) }),
  z.object({
    kind: z.literal("tags"),
    tags: z.array(z.string().trim().min(1)).min(1, { error: "Name at least one customer tag." }).max(20),
  }),
  /** A saved segment (app/intelligence/segments), its members judged at launch (ADR 0031). */
  z.object({ kind: z.literal("segment"), segmentId: z.uuid({ error: "Choose a saved segment." }) }),
]);

export const variantInputSchema = z.object({
  key: slug,
  name: z.string().trim().min(1, { error: "Give the variant a name." }).max(80),
  /** Percent of the experiment's traffic; the weights sum to 100. */
  weight: z
    .int({ error: "Enter a whole percent." })
    .min(1, { error: "At least 1%." })
    .max(99, { error: "At most 99%." }),
  control: z.boolean().default(false),
  override: z.record(z.string(), z.unknown()).default({}),
});

export const guardrailSchema = z.object({
  metric: z.enum(METRIC_KEYS, { error: "Choose a metric." }),
  /** The relative harm tolerated, as a fraction (0.05: the metric may not fall by more than 5%). */
  threshold: z.number().min(0, { error: "Cannot be negative." }).max(1, { error: "At most 100%." }),
});

/**
 * A bandit's settings (ADR 0038-bandits): the merchant's percents, stored as shares. The
 * defaults are stats/bandit-allocation.ts's: a day of hourly periods at equal shares, 5% per
 * arm at least, 20 points of change per update at most.
 */
export const banditInputSchema = z.object({
  /** Minutes between allocation updates (hourly by default). */
  cadenceMinutes: z
    .int({ error: "Enter whole minutes." })
    .min(15, { error: "At least every 15 minutes." })
    .max(7 * 24 * 60, { error: "At least once a week." })
    .default(60),
  /** Periods at equal shares before the data move traffic. */
  burnInPeriods: z
    .int({ error: "Enter a whole number of periods." })
    .min(0, { error: "Cannot be negative." })
    .max(24 * 14, { error: "At most two weeks of hourly periods." })
    .default(24),
  minSharePercent: z
    .number()
    .min(0, { error: "Cannot be negative." })
    .max(50, { error: "At most 50%." })
    .default(5),
  maxChangePercent: z
    .number()
    .min(1, { error: "At least 1 point per update." })
    .max(100, { error: "At most 100 points." })
    .default(20),
  minMembersPerArm: z
    .int({ error: "Enter a whole number." })
    .min(10, { error: "At least 10." })
    .max(100_000)
    .default(100),
  /** A threshold optimizer's search (optimizer.ts), set by its service, kept with the settings. */
  optimizer: optimizerSettingsSchema.optional(),
  /** Contextual allocation (ADR 0044): a segment whose own allocation its members get; null: one for everyone. */
  context: z.enum(BANDIT_CONTEXTS, { error: "Choose what to allocate by." }).nullable().default(null),
});

export type BanditInput = z.input<typeof banditInputSchema>;

export const experimentInputSchema = z
  .object({
    key: slug,
    name: z.string().trim().min(1, { error: "Give the experiment a name." }).max(120),
    hypothesis: z.string().trim().max(2000).default(""),
    lever: z.enum(LEVER_KEYS, { error: "Choose a lever." }),
    audience: audienceSchema.default({ kind: "all" }),
    /** What exposes a member; by default the lever's (levers.ts: "assignment" for every program lever). */
    exposureTrigger: z.enum(EXPOSURE_TRIGGERS, { error: "Choose what exposes a member." }).optional(),
    /** Percent of the lever's layer this experiment takes (the rest is left to other experiments on it). */
    trafficPercent: z
      .int({ error: "Enter a whole percent." })
      .min(1, { error: "At least 1%." })
      .max(100, { error: "At most 100%." })
      .default(100),
    primaryMetric: z.enum(METRIC_KEYS, { error: "Choose a metric." }).nullable().default(null),
    secondaryMetrics: z.array(z.enum(METRIC_KEYS, { error: "Choose a metric." })).default([]),
    guardrails: z.array(guardrailSchema).default([]),
    grossMarginPercent: z.number().min(0).max(100).default(40),
    startsAt: z.coerce.date().nullable().default(null),
    endsAt: z.coerce.date().nullable().default(null),
    variants: z
      .array(variantInputSchema)
      .min(2, { error: "An experiment needs at least two variants." })
      .max(6, { error: "At most six variants." }),
    /** Run as a multi-armed bandit instead of a fixed split (null: fixed split). */
    bandit: banditInputSchema.nullable().default(null),
  })
  .superRefine((input, ctx) => {
    const total = input.variants.reduce((sum, v) => sum + v.weight, 0);
    if (total !== 100)
      ctx.addIssue({
        code: "custom",
        path: ["variants"],
        message: `The weights must sum to 100% (they sum to ${total}%).`,
      });
    const controls = input.variants.filter((v) => v.control);
    if (controls.length !== 1)
      ctx.addIssue({
        code: "custom",
        path: ["variants"],
        message: "Mark exactly one variant as the control.",
      });
    input.variants.forEach((v, i) => {
      if (v.control && Object.keys(v.override).length)
        ctx.addIssue({
          code: "custom",
          path: ["variants", i, "override"],
          message: "The control keeps the live program: no override.",
        });
      if (input.variants.findIndex((w) => w.key === v.key) !== i)
        ctx.addIssue({
          code: "custom",
          path: ["variants", i, "key"],
          message: "Each variant needs its own key.",
        });
    });
    if (input.startsAt && input.endsAt && input.endsAt <= input.startsAt)
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "The experiment must end after it starts." });
    if (input.bandit) banditIssues(input, ctx);
    if (input.exposureTrigger && !triggerAllowed(input.lever, input.exposureTrigger))
      ctx.addIssue({
        code: "custom",
        path: ["exposureTrigger"],
        message:
          `Members see the ${LEVERS[input.lever].label.toLowerCase()} lever on more than one surface, ` +
          `so only ${LEVERS[input.lever].triggers.map((t) => `"${t}"`).join(" or ")} exposes them the same way in every arm.`,
      });
  })
  .transform((input) => ({
    ...input,
    exposureTrigger: input.exposureTrigger ?? defaultTrigger(input.lever),
  }));

/** What a bandit needs of the rest of the definition: a mean primary metric, exposure at assignment, room for the floor. */
function banditIssues(
  input: {
    primaryMetric: string | null;
    exposureTrigger?: string;
    variants: unknown[];
    bandit: z.output<typeof banditInputSchema> | null;
  },
  ctx: z.RefinementCtx,
) {
  const bandit = input.bandit!;
  const metric = input.primaryMetric ? METRICS[input.primaryMetric as keyof typeof METRICS] : null;
  if (!metric)
    ctx.addIssue({
      code: "custom",
      path: ["primaryMetric"],
      message: "A bandit needs a primary metric to optimise.",
    });
  else if (metric.kind !== "mean")
    ctx.addIssue({
      code: "custom",
      path: ["primaryMetric"],
      message: `A bandit optimises a per-member metric; ${metric.name.toLowerCase()} is a ratio.`,
    });
  if (input.exposureTrigger && input.exposureTrigger !== "assignment")
    ctx.addIssue({
      code: "custom",
      path: ["exposureTrigger"],
      message: "A bandit exposes members at assignment, so each allocation is recorded as members join.",
    });
  if (bandit.minSharePercent * input.variants.length > 100)
    ctx.addIssue({
      code: "custom",
      path: ["bandit", "minSharePercent"],
      message: `${input.variants.length} variants cannot each keep ${bandit.minSharePercent}%.`,
    });
}

/** The stored settings of a bandit (shares, not percents), or null for a fixed split. */
export function banditSettings(input: z.output<typeof banditInputSchema> | null) {
  if (!input) return null;
  return {
    cadenceMinutes: input.cadenceMinutes,
    burnInPeriods: input.burnInPeriods,
    minShare: input.minSharePercent / 100,
    maxChange: input.maxChangePercent / 100,
    minMembersPerArm: input.minMembersPerArm,
    ...(input.optimizer ? { optimizer: input.optimizer } : {}),
    ...(input.context ? { context: input.context } : {}),
  };
}

export type ExperimentInput = z.input<typeof experimentInputSchema>;
export type ExperimentDefinition = z.output<typeof experimentInputSchema>;
export type Audience = z.output<typeof audienceSchema>;

export const holdoutInputSchema = z.object({
  /** Percent of customers who get no program (5–10% suggested). */
  sharePercent: z
    .int({ error: "Enter a whole percent." })
    .min(1, { error: "At least 1%." })
    .max(50, { error: "At most 50%." }),
  grossMarginPercent: z.number().min(0).max(100).default(40),
});

/** Field errors keyed by dotted path ("variants.1.override.earning.pointsPerCurrencyUnit"). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[issue.path.map(String).join(".") || "_form"] ??= issue.message;
  return out;
}
