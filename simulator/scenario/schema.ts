import { z } from "zod";
import { banditInputSchema } from "../../app/experiments/definition";
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

/** The channels a campaign message reaches a customer on (the app's email, SMS and widget inbox). */
export const MESSAGE_CHANNELS = ["email", "sms", "inbox"] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/**
 * How customers read a channel's messages, before the variant's own multipliers. `readRate`
 * null: the customer's own (email) open rate. `readsOn` "arrival": read or not the day it
 * arrives; "visit": read only on a day the member visits the store (the widget inbox), a visit
 * being as likely as `visitsPerOrder` times the customer's purchase rate, and a message kept for
 * `keptDays`.
 */
const channelResponse = (defaults: {
  readRate: number | null;
  clickMultiplier: number;
  readsOn: "arrival" | "visit";
}) =>
  z
    .strictObject({
      readRate: probability.nullable().default(defaults.readRate),
      clickMultiplier: multiplier.default(defaults.clickMultiplier),
      readsOn: z.enum(["arrival", "visit"]).default(defaults.readsOn),
      visitsPerOrder: z.number().min(0.1).max(100).default(4),
      keptDays: z.int().min(1).max(90).default(30),
    })
    .prefault({});

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
  /**
   * Per channel: email is read at the customer's own open rate; a text is read by most who get
   * it (a phone buzzes) but clicked less; the inbox is read only when the member visits the store.
   */
  channels: z
    .strictObject({
      email: channelResponse({ readRate: null, clickMultiplier: 1, readsOn: "arrival" }),
      sms: channelResponse({ readRate: 0.9, clickMultiplier: 0.6, readsOn: "arrival" }),
      inbox: channelResponse({ readRate: 0.7, clickMultiplier: 1, readsOn: "visit" }),
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

/**
 * A campaign A/B run through the app (`npm run sim`, app-campaign.server.ts): a measured
 * broadcast to every member. A list of campaigns runs each in its own shop.
 */
const campaignSchema = z.strictObject({
  name: z.string().trim().min(1).default("Campaign A/B"),
  /** The campaign's channel: email (SMTP), sms (Twilio) or the widget inbox. */
  channel: z.enum(MESSAGE_CHANNELS).default("email"),
  /** Share of the audience held out (sent nothing), 0–50. */
  holdoutPercent: z.int().min(0).max(50),
  /** Gross margin the app's report values revenue at (percent). */
  grossMarginPercent: z.number().min(1).max(100).default(40),
  /**
   * The message variants the app sends. Each key names the customers' true response in
   * `response.messages.variants`. The simulated reader knows which message it got from what it
   * reads, nothing else: an email's or an inbox message's subject (its title), a text's body;
   * those must differ between variants. `channel` (default: the campaign's) is passed to the
   * app as the variant's channel; the app decides whether a variant may differ from its campaign.
   */
  variants: z
    .array(
      z.strictObject({
        key: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
        name: z.string().trim().min(1),
        weight: z.number().min(1).max(100),
        channel: z.enum(MESSAGE_CHANNELS).optional(),
        subject: z.string().trim().min(1).max(150),
        body: z.string().trim().min(20).max(5000),
      }),
    )
    .min(1)
    .max(5),
});
export type CampaignSection = z.output<typeof campaignSchema>;

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
  /**
   * A deep-discount offer from exposure on (the "bribe" of scenarios/long-term-bribe.json):
   * every order in the first `days` days is discounted by `discountShare` of its value (a reward
   * cost), the purchase rate is × (1 + `purchaseLift`) meanwhile, and from exposure on the
   * dropout probability after each purchase is × `dropoutMultiplier` (customers bought with
   * discounts lapse sooner). Members only.
   */
  promotion: z
    .strictObject({
      discountShare: z.number().min(0).max(0.9),
      days: z.int().min(1).max(365),
      purchaseLift: z.number().min(0).max(10).default(0),
      dropoutMultiplier: z.number().min(0.1).max(5).default(1),
    })
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
    /**
     * A threshold search (the app's optimizer, ADR 0042): the variants are its
     * candidates, run as a bandit on net margin for `periods` allocation periods of
     * `membersPerPeriod` new members each (the scenario's horizon), each member's outcome over
     * `truth.horizonDays`.
     */
    optimizer: z
      .strictObject({
        target: z.string().min(1),
        periods: z.int().min(2).max(1000),
        membersPerPeriod: z.int().min(10).max(100_000),
        grossMarginPercent: z.number().min(0).max(100).default(40),
      })
      .optional(),
    /** Campaign A/Bs through the app (one, or a list each run in its own shop). */
    campaign: z
      .union([campaignSchema, z.array(campaignSchema).min(1).max(4)])
      .transform((c) => (Array.isArray(c) ? c : [c]))
      .optional(),
    /**
     * Run the experiment as a bandit (`npm run sim`, app-bandit.server.ts): the app's bandit
     * settings, and the days over which the members join (evenly), so the allocation has
     * new members to move.
     */
    bandit: banditInputSchema
      .extend({ arrivalDays: z.int().min(1, { error: "At least 1 day." }).max(730) })
      .strict()
      .optional(),
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
      if (v.promotion && v.holdout)
        ctx.addIssue({
          code: "custom",
          message: "A holdout receives no promotion.",
          path: ["variants", i, "promotion"],
        });
      if (v.message && v.holdout)
        ctx.addIssue({
          code: "custom",
          message: "A holdout receives no messages.",
          path: ["variants", i, "message"],
        });
    });
    (s.campaign ?? []).forEach((campaign, c) => {
      const at = (...path: Array<string | number>) =>
        s.campaign!.length > 1 ? ["campaign", c, ...path] : ["campaign", ...path];
      const read = new Set<string>();
      campaign.variants.forEach((v, i) => {
        if (!s.response.messages.variants[v.key])
          ctx.addIssue({
            code: "custom",
            message: `No true response for message variant "${v.key}" in response.messages.variants.`,
            path: at("variants", i, "key"),
          });
        const field = (v.channel ?? campaign.channel) === "sms" ? "body" : "subject";
        if (read.has(v[field]))
          ctx.addIssue({
            code: "custom",
            message: `Each variant needs its own ${field}: the reader tells them apart by it.`,
            path: at("variants", i, field),
          });
        read.add(v[field]);
      });
      const total = campaign.holdoutPercent + campaign.variants.reduce((t, v) => t + v.weight, 0);
      if (Math.abs(total - 100) > 1e-9)
        ctx.addIssue({
          code: "custom",
          message: `The holdout and the variants' weights must make 100, not ${total}.`,
          path: at("variants"),
        });
    });
    if (s.bandit && s.variants.some((v) => v.holdout))
      ctx.addIssue({
        code: "custom",
        message: "A bandit scenario has no holdout: the bandit moves traffic between program variants.",
        path: ["bandit"],
      });
    if (s.bandit && s.bandit.arrivalDays > s.truth.horizonDays)
      ctx.addIssue({
        code: "custom",
        message: "Members must join within the horizon (arrivalDays ≤ truth.horizonDays).",
        path: ["bandit", "arrivalDays"],
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
export type ChannelResponse = ResponseConfig["channels"][MessageChannel];
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
