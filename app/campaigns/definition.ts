import { z } from "zod";
import { safeLink } from "./inbox";
import { hasSettings, triggerSettingsSchemas } from "./scheduled-triggers";
import { e164, smsContent, smsSizeProblem } from "./sms";
import { sampleValues, templateProblem } from "./template";
import { TRIGGER_KINDS, TRIGGERS } from "./triggers";

// What a merchant may save as a campaign, and as the shop's sending settings: one zod
// schema each, whose issues become the 422's field errors.

/** What a campaign sends on: email and SMS through a provider, the widget inbox by the app itself. */
export const CHANNELS = ["email", "sms", "inbox"] as const;
export type Channel = (typeof CHANNELS)[number];
/** The channels a provider delivers (bounces, complaints and STOPs come from them). */
export const PROVIDER_CHANNELS = ["email", "sms"] as const;
export type ProviderChannel = (typeof PROVIDER_CHANNELS)[number];

// Empty is allowed here: the subject and message are required on email and the inbox only
// (below, and for A/B variants in measure/variants.ts); SMS has its own text.
export const optionalTemplate = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `At most ${max} characters.` })
    .default("")
    .superRefine((text, ctx) => {
      const problem = templateProblem(text);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

export const hour = z
  .number()
  .int()
  .min(0, { error: "An hour from 0 to 23." })
  .max(23, { error: "An hour from 0 to 23." });

export const campaignSchema = z
  .object({
    name: z.string().trim().min(1, { error: "Name the campaign." }).max(80),
    kind: z.enum(["trigger", "broadcast"]),
    trigger: z
      .enum(TRIGGER_KINDS, { error: `One of ${TRIGGER_KINDS.join(", ")}.` })
      .nullable()
      .default(null),
    // best: each member's best channel among those the shop can deliver (send-time/channel.ts).
    channel: z
      .enum([...CHANNELS, "best"], { error: `One of ${[...CHANNELS, "best"].join(", ")}.` })
      .default("email"),
    // Email campaigns only: members we may not email see the message in the widget inbox.
    inboxFallback: z.boolean().default(false),
    ctaLabel: z.string().trim().max(40, { error: "At most 40 characters." }).nullable().default(null),
    ctaUrl: z
      .string()
      .trim()
      .max(500, { error: "At most 500 characters." })
      .refine(safeLink, { error: "An https:// link or a path on the store, such as /collections/all." })
      .nullable()
      .default(null),
    subject: optionalTemplate(150),
    body: optionalTemplate(5000),
    // Required for SMS campaigns (no text is made up from the subject); for a best-channel
    // campaign, SMS is one of its channels only with a text. Ignored by email and the inbox.
    smsBody: z
      .string()
      .trim()
      .max(1600, { error: "At most 1600 characters." })
      .nullable()
      .default(null)
      .transform((text) => text || null),
    enabled: z.boolean().default(false),
    frequencyCapCount: z.number().int().min(1).max(100).nullable().default(null),
    frequencyCapHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .nullable()
      .default(null),
    quietStartHour: hour.nullable().default(null),
    quietEndHour: hour.nullable().default(null),
    brief: z.string().trim().max(1000, { error: "At most 1,000 characters." }).default(""),
    writtenBy: z.enum(["openai", "template", "hand"]).default("hand"),
    personalize: z.boolean().default(false),
    // immediate, or each member's best shop-local hour within 24 h (send-time/, ADR 0050).
    sendTime: z
      .enum(["immediate", "bestHour"], { error: "Send at once or at each member's best hour." })
      .default("immediate"),
    // The trigger's own settings (scheduled-triggers.ts); ignored for triggers without any.
    triggerSettings: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((c, ctx) => {
    if (c.trigger && hasSettings(c.trigger)) {
      const parsed = triggerSettingsSchemas[c.trigger].safeParse(c.triggerSettings);
      for (const issue of parsed.error?.issues ?? [])
        ctx.addIssue({ code: "custom", path: ["triggerSettings", ...issue.path], message: issue.message });
    }
    if (c.channel !== "sms") {
      if (!c.subject) ctx.addIssue({ code: "custom", path: ["subject"], message: "Write the subject." });
      if (!c.body) ctx.addIssue({ code: "custom", path: ["body"], message: "Write the message." });
    }
    if (c.channel === "sms" || (c.channel === "best" && c.smsBody)) {
      const transactional = c.trigger ? TRIGGERS[c.trigger].transactional : false;
      const problem = c.smsBody ? smsTemplateProblem(c.smsBody, transactional) : "Write the SMS text.";
      if (problem) ctx.addIssue({ code: "custom", path: ["smsBody"], message: problem });
    }
    if (c.kind === "trigger" && !c.trigger)
      ctx.addIssue({ code: "custom", path: ["trigger"], message: "Choose what triggers the message." });
    if (c.kind === "broadcast" && c.trigger)
      ctx.addIssue({ code: "custom", path: ["trigger"], message: "A broadcast has no trigger." });
    if ((c.frequencyCapCount === null) !== (c.frequencyCapHours === null))
      ctx.addIssue({
        code: "custom",
        path: ["frequencyCapHours"],
        message: "Give both the number of messages and the hours, or neither.",
      });
    if (!c.ctaLabel !== !c.ctaUrl)
      ctx.addIssue({
        code: "custom",
        path: ["ctaUrl"],
        message: "Give both the button's label and its link, or neither.",
      });
    if (c.channel === "inbox" && c.inboxFallback)
      ctx.addIssue({
        code: "custom",
        path: ["inboxFallback"],
        message: "An inbox campaign is already in the inbox.",
      });
    if ((c.quietStartHour === null) !== (c.quietEndHour === null))
      ctx.addIssue({
        code: "custom",
        path: ["quietEndHour"],
        message: "Give both ends of the quiet hours, or neither.",
      });
  })
  .transform((c) => ({
    ...c,
    transactional: c.trigger ? TRIGGERS[c.trigger].transactional : false,
    triggerSettings:
      c.trigger && hasSettings(c.trigger)
        ? (triggerSettingsSchemas[c.trigger].parse(c.triggerSettings) as { [key: string]: number | null })
        : {},
  }));

/**
 * What is wrong with an SMS template: its variables, or its size for the sample member (the
 * real text is measured again at send time, as a long name can still push it over).
 */
export function smsTemplateProblem(text: string, transactional: boolean): string | null {
  const problem = templateProblem(text);
  if (problem) return problem;
  return smsSizeProblem(smsContent(text, sampleValues("Shop"), { transactional }).size);
}

export type CampaignInput = z.input<typeof campaignSchema>;
export type CampaignDefinition = z.output<typeof campaignSchema>;

export const EMAIL_PROVIDERS = ["smtp", "klaviyo"] as const;

const providerRate = z
  .number({ error: "A whole number of sends per minute, or empty for the default." })
  .int({ error: "A whole number of sends per minute, or empty for the default." })
  .min(1, { error: "At least 1 a minute." })
  .max(100_000, { error: "At most 100,000 a minute." })
  .nullable();

export const emailSettingsSchema = z
  .object({
    // smtp: the app sends through the shop's server. klaviyo: the app records a Klaviyo event
    // and a flow the merchant built in Klaviyo sends it.
    emailProvider: z.enum(EMAIL_PROVIDERS, { error: "SMTP or Klaviyo." }).default("smtp"),
    fromEmail: z.email({ error: "A valid sender address." }).optional(),
    fromName: z.string().trim().max(80).optional(),
    smtpHost: z.string().trim().max(255).optional(),
    smtpPort: z.number().int().min(1).max(65535, { error: "A port from 1 to 65535." }).optional(),
    smtpSecure: z.boolean().default(false),
    smtpUser: z.string().trim().max(255).optional(),
    // Omitted: the stored password is kept. Empty: no authentication.
    smtpPassword: z.string().max(1024).optional(),
    // Omitted: the stored key is kept. Empty: removed.
    klaviyoApiKey: z.string().trim().max(255).optional(),
    memberCapCount: z.number().int().min(1).max(100).default(3),
    memberCapDays: z.number().int().min(1).max(90).default(7),
    sendsPerMinute: z.number().int().min(1).max(10_000).default(120),
    // Per provider account, shared with the shops on the same account; null: the default.
    smtpSendsPerMinute: providerRate.optional(),
    klaviyoSendsPerMinute: providerRate.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.emailProvider !== "smtp") return;
    if (!s.fromEmail)
      ctx.addIssue({ code: "custom", path: ["fromEmail"], message: "A valid sender address." });
    if (!s.smtpHost)
      ctx.addIssue({ code: "custom", path: ["smtpHost"], message: "The SMTP server's host name." });
    if (!s.smtpPort) ctx.addIssue({ code: "custom", path: ["smtpPort"], message: "A port from 1 to 65535." });
  });

export const smsSettingsSchema = z.object({
  smsProvider: z.literal("twilio", { error: "Twilio is the SMS provider." }).default("twilio"),
  twilioAccountSid: z
    .string()
    .trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, { error: "The Account SID: AC and 32 hexadecimal characters." }),
  // Omitted: the stored token is kept.
  twilioAuthToken: z.string().trim().min(1, { error: "The Auth Token." }).max(255).optional(),
  twilioFrom: z
    .string()
    .trim()
    .refine((from) => /^MG[0-9a-fA-F]{32}$/.test(from) || e164(from) === from, {
      error: "A number in E.164 (+15550102030) or a Messaging Service SID (MG…).",
    }),
  twilioSendsPerMinute: providerRate.optional(),
});

export type SmsSettingsInput = z.input<typeof smsSettingsSchema>;

export type EmailSettingsInput = z.input<typeof emailSettingsSchema>;

/** Zod issues as `{ "path.to.field": message }`, the first message per field. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) errors[issue.path.join(".") || "form"] ??= issue.message;
  return errors;
}
