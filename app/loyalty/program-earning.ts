import { z } from "zod";

const idSchema = z.string().trim().min(1, { error: "Required." });
const pointsSchema = z
  .int({ error: "Points are whole numbers." })
  .min(0, { error: "Points cannot be negative." });
const multiplierSchema = z
  .number({ error: "Enter a number." })
  .min(0, { error: "A multiplier cannot be negative." })
  .max(100, { error: "A multiplier above 100 is almost certainly a typo." });
const isoInstant = z.iso.datetime({
  offset: true,
  error: "Use a date and time such as 2025-11-28T00:00:00Z.",
});

/** A product-level multiplier: the rule matches a line by product, collection or tag. */
export const earningMultiplierSchema = z.object({
  target: z.enum(["product", "collection", "tag"], { error: "Choose product, collection or tag." }),
  value: idSchema,
  multiplier: multiplierSchema,
});

export const earningExclusionsSchema = z
  .object({
    productIds: z.array(idSchema).default([]),
    collectionIds: z.array(idSchema).default([]),
    tags: z.array(idSchema).default([]),
    // Buying a gift card and later spending it would earn twice on the same money.
    giftCards: z.boolean().default(true),
  })
  .prefault({});

const campaignBase = {
  id: idSchema,
  name: z.string().trim().min(1, { error: "Give the campaign a name." }).max(80),
  startsAt: isoInstant,
  endsAt: isoInstant,
  // Absent: the whole order. Given: only lines of these products (Shopify numeric ids) earn
  // the multiplier, and the fixed points go to orders with such a line (the weekly picks).
  productIds: z
    .array(idSchema)
    .min(1, { error: "Choose at least one product, or leave the campaign on whole orders." })
    .max(250, { error: "At most 250 products." })
    .optional(),
};

/**
 * Bonus campaigns run in [startsAt, endsAt): a multiplier on order points, or fixed points per
 * order; with `productIds`, on those products' lines only.
 */
export const campaignSchema = z
  .discriminatedUnion("kind", [
    z.object({
      ...campaignBase,
      kind: z.literal("multiplier"),
      multiplier: multiplierSchema.min(1, { error: "A campaign multiplier is at least 1." }),
    }),
    z.object({
      ...campaignBase,
      kind: z.literal("fixed"),
      points: pointsSchema.min(1, { error: "A fixed bonus is at least 1 point." }),
    }),
  ])
  .refine((c) => Date.parse(c.endsAt) > Date.parse(c.startsAt), {
    error: "The campaign must end after it starts.",
    path: ["endsAt"],
  });

export const earningSchema = z
  .object({
    pointsPerCurrencyUnit: z
      .number({ error: "Enter a number." })
      .min(0, { error: "Points per currency unit cannot be negative." })
      .max(1000, { error: "At most 1,000 points per currency unit." })
      .default(1),
    includeShipping: z.boolean().default(false),
    includeTax: z.boolean().default(false),
    multipliers: z.array(earningMultiplierSchema).default([]),
    exclusions: earningExclusionsSchema,
    bonuses: z
      .object({
        signup: pointsSchema.default(0),
        birthday: pointsSchema.default(0),
        firstOrder: pointsSchema.default(0),
      })
      .prefault({}),
    campaigns: z.array(campaignSchema).default([]),
    rounding: z.enum(["floor", "round", "ceil"], { error: "Choose floor, round or ceil." }).default("floor"),
    // Points stay pending through the return window so a returned order cannot fund a reward.
    pendingDays: z
      .int({ error: "Enter whole days." })
      .min(0, { error: "Cannot be negative." })
      .max(365, { error: "At most 365 days." })
      .default(30),
    // A sanity bound (ADR 0011): an order earning more than this (bonuses included) is held
    // for staff review, pending with no release date, until released or rejected. Null: never.
    reviewAbovePoints: z
      .int({ error: "Enter whole points." })
      .min(1, { error: "At least 1 point." })
      .max(1_000_000_000, { error: "At most 1,000,000,000 points." })
      .nullable()
      .default(100_000),
  })
  .prefault({})
  .superRefine((earning, ctx) => {
    const ids = new Set<string>();
    earning.campaigns.forEach((c, i) => {
      if (ids.has(c.id))
        ctx.addIssue({
          code: "custom",
          message: "Campaign ids must be unique.",
          path: ["campaigns", i, "id"],
        });
      ids.add(c.id);
    });
    const rules = new Set<string>();
    earning.multipliers.forEach((m, i) => {
      const key = `${m.target}:${m.value}`;
      if (rules.has(key))
        ctx.addIssue({
          code: "custom",
          message: `There is already a multiplier for this ${m.target}.`,
          path: ["multipliers", i, "value"],
        });
      rules.add(key);
    });
  });

export type EarningConfig = z.output<typeof earningSchema>;
export type Campaign = z.output<typeof campaignSchema>;
