import { z } from "zod";
import { SEGMENTS, shopParamsSchema } from "../model/params";

// A scenario states how simulated customers respond to the loyalty program's levers, and which
// program variants to judge. Strict objects: a misspelt key is an error, not a silent default.

const probability = z
  .number({ error: "Enter a number." })
  .min(0, { error: "At least 0." })
  .max(1, { error: "At most 1." });
const multiplier = z
  .number({ error: "Enter a number." })
  .min(0, { error: "Cannot be negative." })
  .max(10, { error: "At most 10." });

const segmentResponseSchema = z.strictObject({
  /** Multiplies the earn-rate elasticity. */
  earnElasticity: multiplier.default(1),
  /** Multiplies both goal-gradient boosts. */
  goalGradient: multiplier.default(1),
  /** Multiplies the redemption probability. */
  redemption: multiplier.default(1),
  /** Multiplies a message's purchase lift. */
  message: multiplier.default(1),
  /** Multiplies the membership lift. */
  membership: multiplier.default(1),
});

const messageResponseSchema = z.strictObject({
  /** Multiplies the customer's own open rate. */
  openMultiplier: multiplier.default(1),
  clickMultiplier: multiplier.default(1),
  /** Relative increase of the purchase rate after the customer opened it. */
  purchaseLift: z.number().min(-0.9).max(5).default(0.1),
  liftDays: z.int().min(1).max(90).default(14),
});

export const responseSchema = z.strictObject({
  membership: z
    .strictObject({
      /** Purchase-rate lift of being a member at the reference reward rate. */
      frequencyLift: z.number().min(-0.5).max(2).default(0.04),
      /** Multiplies the dropout probability of members (below 1: the program retains). */
      dropoutMultiplier: multiplier
        .min(0.1, { error: "At least 0.1." })
        .max(2, { error: "At most 2." })
        .default(0.92),
    })
    .prefault({}),
  earnRate: z
    .strictObject({
      /** Value returned per unit spent (0.05 = 5% back) at which the elasticity is anchored. */
      referenceRewardRate: z.number().gt(0, { error: "Above 0." }).max(1).default(0.05),
      /** d ln(purchase rate) / d ln(reward rate), clamped to [minMultiplier, maxMultiplier]. */
      elasticity: z.number().min(-2).max(3).default(0.2),
      minMultiplier: multiplier.default(0.85),
      maxMultiplier: multiplier.min(1, { error: "At least 1." }).default(1.6),
    })
    .prefault({})
    .refine((e) => e.minMultiplier <= 1, {
      error: "minMultiplier must be at most 1.",
      path: ["minMultiplier"],
    }),
  goalGradient: z
    .strictObject({
      /** The boost starts when the remaining distance is below this share of the goal. */
      window: z.number().gt(0, { error: "Above 0." }).max(1).default(0.3),
      rewardBoost: z.number().min(0).max(5).default(0.5),
      tierBoost: z.number().min(0).max(5).default(0.3),
      /** Shape of the ramp: boost · (1 − distance/window)^curvature. */
      curvature: z.number().min(0.1).max(5).default(1.5),
    })
    .prefault({}),
  redemption: z
    .strictObject({
      /** P(redeem the best affordable reward at a purchase) = logistic(intercept + slope · value in major units). */
      intercept: z.number().min(-20).max(20).default(-1.2),
      perCurrencyUnit: z.number().min(-5).max(5).default(0.08),
      maxProbability: probability.default(0.95),
    })
    .prefault({}),
  messages: z
    .strictObject({
      default: messageResponseSchema.prefault({}),
      variants: z.record(z.string().min(1), messageResponseSchema).default({}),
    })
    .prefault({}),
  /** Held-out customers keep their latent behaviour times this multiplier (1 = unaffected). */
  holdout: z.strictObject({ frequencyMultiplier: multiplier.default(1) }).prefault({}),
  segments: z
    .partialRecord(z.enum(SEGMENTS, { error: `Segments are ${SEGMENTS.join(", ")}.` }), segmentResponseSchema)
    .default({}),
});

const programVariantSchema = z.strictObject({
  pointsPerCurrencyUnit: z.number().min(0).max(1000).default(1),
  rewards: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        pointsCost: z.int().min(1, { error: "A reward costs at least 1 point." }),
        valueMinor: z.int().min(1, { error: "A reward is worth at least 1 minor unit." }),
      }),
    )
    .default([]),
  /** Spend tiers over the simulated period; the lowest tier is everyone. */
  tiers: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        thresholdMinor: z.int().min(0),
        earnMultiplier: z.number().min(1).max(10).default(1),
      }),
    )
    .default([])
    .refine((tiers) => tiers.every((t, i) => i === 0 || t.thresholdMinor > tiers[i - 1]!.thresholdMinor), {
      error: "Tier thresholds must increase.",
    })
    .refine((tiers) => tiers.length === 0 || tiers[0]!.thresholdMinor === 0, {
      error: "The first tier starts at 0 (everyone).",
    }),
});

export const variantSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: "Use lowercase letters, digits and dashes." }),
  description: z.string().default(""),
  /** Held out of the program entirely: no points, rewards, tiers or messages. */
  holdout: z.boolean().default(false),
  program: programVariantSchema.prefault({}),
  message: z
    .strictObject({ variant: z.string().min(1), everyDays: z.int().min(1).max(365).default(30) })
    .nullable()
    .default(null),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().trim().min(1, { error: "Give the scenario a name." }),
    description: z.string().default(""),
    shop: shopParamsSchema.prefault({}),
    response: responseSchema.prefault({}),
    variants: z.array(variantSchema).min(1, { error: "List at least one variant." }),
    /** The variant every other is compared with (default: the first holdout, else the first). */
    baseline: z.string().optional(),
    truth: z
      .strictObject({
        horizonDays: z.int().min(1).max(730).default(90),
        replications: z.int().min(1).max(50).default(2),
        /** Customers simulated for the variant truth (the first N of the shop). */
        maxCustomers: z.int().min(100).max(1_000_000).default(20_000),
      })
      .prefault({}),
  })
  .superRefine((s, ctx) => {
    const keys = new Set<string>();
    s.variants.forEach((v, i) => {
      if (keys.has(v.key))
        ctx.addIssue({
          code: "custom",
          message: `Duplicate variant key "${v.key}".`,
          path: ["variants", i, "key"],
        });
      keys.add(v.key);
      if (v.message && v.holdout)
        ctx.addIssue({
          code: "custom",
          message: "A holdout receives no messages.",
          path: ["variants", i, "message"],
        });
    });
    if (s.baseline !== undefined && !keys.has(s.baseline))
      ctx.addIssue({
        code: "custom",
        message: `Unknown baseline variant "${s.baseline}".`,
        path: ["baseline"],
      });
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ResponseConfig = z.output<typeof responseSchema>;
export type SegmentResponse = z.output<typeof segmentResponseSchema>;
export type MessageResponse = z.output<typeof messageResponseSchema>;
export type Variant = z.output<typeof variantSchema>;
export type VariantProgram = z.output<typeof programVariantSchema>;

export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`Invalid scenario ${source}:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ScenarioError";
  }
}

/** Validate a parsed JSON value; errors name the dotted path of every bad field. */
export function parseScenario(json: unknown, source = "(inline)"): Scenario {
  const result = scenarioSchema.safeParse(json);
  if (result.success) return result.data;
  throw new ScenarioError(
    source,
    result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`),
  );
}

export const DEFAULT_SEGMENT_RESPONSE: SegmentResponse = {
  earnElasticity: 1,
  goalGradient: 1,
  redemption: 1,
  message: 1,
  membership: 1,
};
