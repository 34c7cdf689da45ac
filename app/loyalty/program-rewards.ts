import { z } from "zod";
import { moneySchema } from "./money";

const idSchema = z.string().trim().min(1, { error: "Required." });

/** What the discount code gives; amounts are minor units in the shop currency. */
export const rewardValueSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("fixedAmount"),
    amount: moneySchema.refine((m) => m.amountMinor > 0, {
      error: "The amount off must be above zero.",
      path: ["amountMinor"],
    }),
  }),
  z.object({
    kind: z.literal("percentage"),
    percent: z
      .number({ error: "Enter a number." })
      .gt(0, { error: "Above 0%." })
      .max(100, { error: "At most 100%." }),
  }),
  z.object({ kind: z.literal("freeShipping") }),
  z.object({ kind: z.literal("freeProduct"), productId: idSchema, variantId: idSchema }),
]);

const isoInstant = z.iso.datetime({
  offset: true,
  error: "Use a date and time such as 2025-12-01T00:00:00Z.",
});

export const rewardSchema = z
  .object({
    id: idSchema,
    name: z.string().trim().min(1, { error: "Give the reward a name." }).max(80),
    active: z.boolean().default(true),
    value: rewardValueSchema,
    pointsCost: z
      .int({ error: "Points are whole numbers." })
      .min(1, { error: "A reward costs at least 1 point." }),
    minimumSubtotal: moneySchema.nullable().default(null),
    codeLifetimeDays: z
      .int({ error: "Enter whole days." })
      .min(1, { error: "At least 1 day." })
      .max(3650, { error: "At most 10 years." })
      .default(90),
    perMemberLimit: z
      .int({ error: "Enter a whole number." })
      .min(1, { error: "At least 1, or leave empty for no limit." })
      .nullable()
      .default(null),
    // Optional window for seasonal rewards; outside it the reward is shown as unavailable.
    availableFrom: isoInstant.nullable().default(null),
    availableUntil: isoInstant.nullable().default(null),
  })
  .refine(
    (r) =>
      !r.availableFrom || !r.availableUntil || Date.parse(r.availableUntil) > Date.parse(r.availableFrom),
    {
      error: "The reward must end after it starts.",
      path: ["availableUntil"],
    },
  );

export const rewardsSchema = z
  .array(rewardSchema)
  .default([])
  .superRefine((rewards, ctx) => {
    const ids = new Set<string>();
    rewards.forEach((r, i) => {
      if (ids.has(r.id))
        ctx.addIssue({ code: "custom", message: "Reward ids must be unique.", path: [i, "id"] });
      ids.add(r.id);
    });
  });

export type Reward = z.output<typeof rewardSchema>;
export type RewardValue = z.output<typeof rewardValueSchema>;

/** A problem a save must refuse: where it is (path within the program) and what it says. */
export interface SaveIssue {
  path: (string | number)[];
  message: string;
}

/** What a member gets and on which conditions: two rewards with the same terms are one offer. */
function termsOf(r: Reward): string {
  const v = r.value;
  const value =
    v.kind === "fixedAmount"
      ? `${v.amount.amountMinor}`
      : v.kind === "percentage"
        ? `${v.percent}`
        : v.kind === "freeProduct"
          ? `${v.productId}/${v.variantId}`
          : "";
  return JSON.stringify([
    v.kind,
    value,
    r.minimumSubtotal?.amountMinor ?? null,
    r.perMemberLimit,
    r.availableFrom,
    r.availableUntil,
  ]);
}

/**
 * Checked when a program is saved (not when a stored one is read, so an old version with
 * twins still loads): names are unique ignoring case, and no two rewards give the same
 * value on the same conditions (whatever they cost: the cheaper one makes the other dead).
 */
export function rewardConflicts(rewards: readonly Reward[]): SaveIssue[] {
  const issues: SaveIssue[] = [];
  const names = new Map<string, number>();
  const terms = new Map<string, number>();
  rewards.forEach((r, i) => {
    const name = r.name.trim().toLowerCase();
    const sameName = names.get(name);
    if (sameName !== undefined)
      issues.push({ path: [i, "name"], message: `Another reward is already called “${r.name.trim()}”.` });
    else names.set(name, i);
    const key = termsOf(r);
    const twin = terms.get(key);
    if (twin !== undefined)
      issues.push({
        path: [i, "value"],
        message: `Gives the same as “${rewards[twin]!.name}” on the same conditions. Change one, or remove it.`,
      });
    else terms.set(key, i);
  });
  return issues;
}
