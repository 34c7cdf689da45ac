import { z } from "zod";
import { currencyCodeSchema } from "./money";
import { earningSchema } from "./program-earning";
import { messagesSchema } from "./program-messages";
import { rewardsSchema } from "./program-rewards";
import { tiersSchema } from "./program-tiers";

export const expirySchema = z
  .discriminatedUnion("policy", [
    z.object({ policy: z.literal("none") }),
    z.object({
      // Points expire when the member has neither earned nor redeemed for `days`.
      policy: z.literal("inactivity"),
      days: z
        .int({ error: "Enter whole days." })
        .min(30, { error: "At least 30 days." })
        .max(3650, { error: "At most 10 years." }),
      noticeDays: z.int({ error: "Enter whole days." }).min(0, { error: "Cannot be negative." }).default(30),
    }),
    z.object({
      // Each batch of points expires `days` after it became spendable, oldest first.
      policy: z.literal("fixedAge"),
      days: z
        .int({ error: "Enter whole days." })
        .min(30, { error: "At least 30 days." })
        .max(3650, { error: "At most 10 years." }),
      noticeDays: z.int({ error: "Enter whole days." }).min(0, { error: "Cannot be negative." }).default(30),
    }),
  ])
  .prefault({ policy: "none" })
  .refine((e) => e.policy === "none" || e.noticeDays < e.days, {
    error: "The notice must come before the points expire.",
    path: ["noticeDays"],
  });

export const membershipSchema = z
  .object({
    enrollment: z.enum(["automatic", "optIn"], { error: "Choose automatic or opt-in." }).default("automatic"),
    excludedCustomerTags: z.array(z.string().trim().min(1)).default([]),
    excludeStaff: z.boolean().default(true),
    excludeB2B: z.boolean().default(true),
  })
  .prefault({});

export const refundPolicySchema = z
  .object({
    // "allow": a refund after redemption claws back every point, even below zero.
    // "clampAtZero": the member never owes points; the shortfall is written off.
    negativeBalance: z
      .enum(["allow", "clampAtZero"], { error: "Choose allow or clamp at zero." })
      .default("allow"),
    // A reward code that lapses unused gives its points back (once); off, the points stay spent.
    returnPointsOnExpiry: z.boolean({ error: "Choose yes or no." }).default(true),
  })
  .prefault({});

// The storefront widget's own words (issue 13's `widgetCopy` lever): the guest pitch, the
// member greeting and the join call to action. Empty means the widget's translated default,
// so a multilingual storefront keeps its languages until the merchant writes their own.
const copyText = (max: number) =>
  z
    .string({ error: "Enter text." })
    .trim()
    .max(max, { error: `At most ${max} characters.` })
    .default("");

export const widgetCopySchema = z
  .object({
    guestPitch: copyText(160),
    memberGreeting: copyText(120),
    callToAction: copyText(40),
  })
  .prefault({});

/** One version of a shop's program. Every ledger entry records the version that produced it. */
export const programSchema = z
  .object({
    version: z.int().min(1).default(1),
    currency: currencyCodeSchema,
    earning: earningSchema,
    expiry: expirySchema,
    tiers: tiersSchema,
    rewards: rewardsSchema,
    membership: membershipSchema,
    refunds: refundPolicySchema,
    messages: messagesSchema,
    widgetCopy: widgetCopySchema,
  })
  .superRefine((program, ctx) => {
    program.rewards.forEach((reward, i) => {
      const amounts = [
        reward.value.kind === "fixedAmount" ? reward.value.amount : null,
        reward.minimumSubtotal,
      ];
      for (const [j, money] of amounts.entries()) {
        if (money && money.currency !== program.currency) {
          const path =
            j === 0
              ? ["rewards", i, "value", "amount", "currency"]
              : ["rewards", i, "minimumSubtotal", "currency"];
          ctx.addIssue({ code: "custom", message: `Use the shop currency (${program.currency}).`, path });
        }
      }
    });
  });

export type ProgramInput = z.input<typeof programSchema>;
export type Program = z.output<typeof programSchema>;
export type ExpiryConfig = z.output<typeof expirySchema>;
export type MembershipConfig = z.output<typeof membershipSchema>;
export type WidgetCopy = z.output<typeof widgetCopySchema>;
export type NegativeBalancePolicy = Program["refunds"]["negativeBalance"];

/** The program a new shop starts with: 1 point per unit of its currency, nothing else switched on. */
export function defaultProgram(currency: string): Program {
  return programSchema.parse({ currency });
}

/** Field errors keyed by dotted path, ready for a Remix action to return with 422. */
export function programFieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".") || "_form";
    fields[path] ??= issue.message;
  }
  return fields;
}
