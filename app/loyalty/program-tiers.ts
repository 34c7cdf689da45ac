import { z } from "zod";

export const tierBenefitsSchema = z
  .object({
    earnMultiplier: z
      .number({ error: "Enter a number." })
      .min(1, { error: "A tier multiplier is at least 1." })
      .max(10, { error: "At most 10×." })
      .default(1),
    perkPercent: z
      .number({ error: "Enter a number." })
      .min(0, { error: "Cannot be negative." })
      .max(100, { error: "At most 100%." })
      .default(0),
    freeShipping: z.boolean().default(false),
  })
  .prefault({});

/**
 * A tier level. The threshold is in the basis unit: minor currency units for spend,
 * points for points, a count for orders. The lowest level may start at 0 (everyone).
 */
export const tierLevelSchema = z.object({
  id: z.string().trim().min(1, { error: "Required." }),
  name: z.string().trim().min(1, { error: "Give the tier a name." }).max(40),
  threshold: z.int({ error: "Enter a whole number." }).min(0, { error: "Cannot be negative." }),
  benefits: tierBenefitsSchema,
});

export const tiersSchema = z
  .object({
    basis: z
      .enum(["spend", "points", "orders"], { error: "Choose spend, points or orders." })
      .default("spend"),
    window: z
      .enum(["lifetime", "rolling12m", "calendarYear"], {
        error: "Choose lifetime, rolling 12 months or calendar year.",
      })
      .default("rolling12m"),
    levels: z.array(tierLevelSchema).max(10, { error: "At most 10 tiers." }).default([]),
    downgradeGraceDays: z
      .int({ error: "Enter whole days." })
      .min(0, { error: "Cannot be negative." })
      .max(365, { error: "At most 365 days." })
      .default(30),
    reevaluation: z
      .enum(["daily", "weekly", "monthly"], { error: "Choose daily, weekly or monthly." })
      .default("daily"),
  })
  .prefault({})
  .superRefine((tiers, ctx) => {
    const ids = new Set<string>();
    tiers.levels.forEach((level, i) => {
      if (ids.has(level.id))
        ctx.addIssue({ code: "custom", message: "Tier ids must be unique.", path: ["levels", i, "id"] });
      ids.add(level.id);
      const previous = tiers.levels[i - 1];
      if (previous && level.threshold <= previous.threshold) {
        ctx.addIssue({
          code: "custom",
          message: `Must be higher than ${previous.name}'s threshold (${previous.threshold}).`,
          path: ["levels", i, "threshold"],
        });
      }
    });
  });

export type TiersConfig = z.output<typeof tiersSchema>;
export type TierLevel = z.output<typeof tierLevelSchema>;
