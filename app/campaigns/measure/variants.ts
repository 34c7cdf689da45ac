import { z } from "zod";
import { bucketOf, variantAt } from "~/experiments/assignment";
import { hour, optionalTemplate, smsTemplateProblem } from "../definition";
import type { SendTimeChoice } from "../send-time/send-instant";

// A campaign measured against control: its audience is split, by the experiments' own
// hash (`bucketOf` over the experiment's salt, `variantAt` over the weights), between a
// holdout that is sent nothing and the message variants. Each variant is a whole message:
// subject and body (or an SMS text), the channel, when it goes out, and an optional offer. The split lives in
// an Experiment of kind `campaign` (ExperimentVariant rows: `holdout` first, then the
// variants, each variant's message in its `override`), so the experiments' exposure,
// metrics and sequential statistics measure it (ADR 0049).

export const HOLDOUT_ARM = "holdout";
/** A variant's channel: one of the campaign channels, or each member's best ("best", send-time/). */
export const MESSAGE_CHANNELS = ["email", "sms", "inbox", "best"] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];
const channelSchema = z
  .enum(MESSAGE_CHANNELS, { error: `One of ${MESSAGE_CHANNELS.join(", ")}.` })
  .default("email");

/**
 * When a variant's message goes out: as the campaign does (now, after quiet hours), at each
 * member's best hour (the send-time model's), or at a fixed shop-local hour.
 */
export const sendTimeSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("campaign") }),
  z.object({ mode: z.literal("memberBestHour") }),
  z.object({ mode: z.literal("fixedHour"), hour }),
]);
export type SendTime = z.output<typeof sendTimeSchema>;

/** A variant's stored mode as the one `sendInstant` (send-time/send-instant.ts) reads it. */
export function variantSendTime(mode: SendTime): SendTimeChoice {
  if (mode.mode === "campaign") return { mode: "campaignDefault" };
  if (mode.mode === "memberBestHour") return { mode: "bestHour" };
  return mode;
}

/** Bonus points credited with the message (their cost shows when they are redeemed). */
export const offerSchema = z.object({
  kind: z.literal("points"),
  points: z
    .number()
    .int()
    .min(1, { error: "At least 1 point." })
    .max(100_000, { error: "At most 100,000 points." }),
});
export type Offer = z.output<typeof offerSchema>;

export const messageVariantSchema = z
  .object({
    key: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { error: "Lower-case letters, digits and dashes (up to 32)." })
      .refine((k) => k !== HOLDOUT_ARM, { error: `"${HOLDOUT_ARM}" names the holdout.` }),
    name: z.string().trim().min(1, { error: "Name the variant." }).max(80),
    /** Percent of the campaign's audience. */
    weight: z.number().int().min(1, { error: "At least 1%." }).max(100),
    // Required on every channel but SMS (below), which sends its own text.
    subject: optionalTemplate(150),
    body: optionalTemplate(5000),
    channel: channelSchema,
    // The text of an SMS variant (required there); a "best" variant may go by SMS only with one.
    smsBody: z
      .string()
      .trim()
      .max(1600, { error: "At most 1600 characters." })
      .nullable()
      .default(null)
      .transform((text) => text || null),
    sendTime: sendTimeSchema.default({ mode: "campaign" }),
    offer: offerSchema.nullable().default(null),
  })
  .superRefine((v, ctx) => {
    if (v.channel !== "sms") {
      if (!v.subject) ctx.addIssue({ code: "custom", path: ["subject"], message: "Write the subject." });
      if (!v.body) ctx.addIssue({ code: "custom", path: ["body"], message: "Write the message." });
    }
    if (v.channel === "sms" || (v.channel === "best" && v.smsBody)) {
      // Measured as marketing (with its STOP line), the longer of the two.
      const problem = v.smsBody ? smsTemplateProblem(v.smsBody, false) : "Write the SMS text.";
      if (problem) ctx.addIssue({ code: "custom", path: ["smsBody"], message: problem });
    }
  });
export type MessageVariant = z.output<typeof messageVariantSchema>;

export const campaignTestSchema = z
  .object({
    /** Percent of the audience sent nothing (0: variants against each other only). */
    holdoutPercent: z.number().int().min(0).max(50, { error: "At most half the audience." }),
    grossMarginPercent: z.number().int().min(1).max(100).default(40),
    variants: z
      .array(messageVariantSchema)
      .min(1, { error: "Add a variant." })
      .max(5, { error: "At most 5 variants." }),
  })
  .superRefine((t, ctx) => {
    const total = t.holdoutPercent + t.variants.reduce((s, v) => s + v.weight, 0);
    if (total !== 100)
      ctx.addIssue({
        code: "custom",
        path: ["variants"],
        message: `The holdout and the variants make ${total}%, not 100%.`,
      });
    if (t.holdoutPercent === 0 && t.variants.length < 2)
      ctx.addIssue({
        code: "custom",
        path: ["holdoutPercent"],
        message: "Hold out a share, or compare two variants.",
      });
    const keys = new Set<string>();
    t.variants.forEach((v, i) => {
      if (keys.has(v.key))
        ctx.addIssue({ code: "custom", path: ["variants", i, "key"], message: "Keys must differ." });
      keys.add(v.key);
    });
  });
export type CampaignTestInput = z.input<typeof campaignTestSchema>;
export type CampaignTest = z.output<typeof campaignTestSchema>;

/** An experiment arm as stored (position order). */
export type StoredArm = { key: string; name: string; weight: number; control: boolean; override: unknown };

export type ArmChoice =
  { key: string; holdout: true } | { key: string; holdout: false; message: MessageVariant };

/**
 * The one channel every variant of a test goes on, or null when they differ (a test of the
 * channel): then whether a member can be reached depends on the arm (ADR: delivery, one path).
 */
export function sharedChannel(arms: readonly StoredArm[]): MessageChannel | null {
  const channels = new Set(
    arms
      .filter((a) => a.key !== HOLDOUT_ARM)
      .map((a) => channelSchema.catch("email").parse((a.override as { channel?: unknown } | null)?.channel)),
  );
  return channels.size === 1 ? [...channels][0]! : null;
}

/** The arm of a customer: the experiments' hash over the experiment's salt, walked over the weights. */
export function campaignArm(
  shop: string,
  experiment: { salt: string; variants: readonly StoredArm[] },
  customerId: bigint,
): ArmChoice {
  const arm = variantAt(experiment.variants, bucketOf(shop, experiment.salt, customerId));
  if (arm.key === HOLDOUT_ARM) return { key: arm.key, holdout: true };
  return {
    key: arm.key,
    holdout: false,
    message: messageVariantSchema.parse({
      ...(arm.override as object),
      key: arm.key,
      name: arm.name,
      weight: arm.weight,
    }),
  };
}
