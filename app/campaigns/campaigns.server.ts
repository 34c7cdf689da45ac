import type { PrismaClient } from "~/db.server";
import type { Campaign } from "~/generated/prisma/client";
import { openSecret, sealSecret, type SecretPurpose } from "~/ingest/imports/secret.server";
import { campaignSchema, emailSettingsSchema, fieldErrorsOf, smsSettingsSchema } from "./definition";
import type { SendProvider } from "./provider-limits";

// Saving campaigns and the shop's sending settings: validated input or a 422 with field
// errors, never a partial write. The secrets (SMTP password, Klaviyo API key, Twilio auth
// token) are sealed (AES-256-GCM, a key of its own each) and leave the server only to
// their provider.

const SECRET = {
  smtp: "smtp-password:v1",
  klaviyo: "klaviyo-api-key:v1",
  twilio: "twilio-auth-token:v1",
} as const satisfies Record<string, SecretPurpose>;

/** Omitted: keep what is stored. Empty: remove it. Otherwise: the new secret, sealed. */
const sealed = (column: string, value: string | undefined, purpose: SecretPurpose) =>
  value === undefined ? {} : { [column]: value ? sealSecret(value, undefined, purpose) : null };
const opened = (ciphertext: string | null, purpose: SecretPurpose) =>
  ciphertext ? openSecret(ciphertext, undefined, purpose) : null;

type Db = Pick<PrismaClient, "campaign" | "campaignSettings">;

export type Invalid = { ok: false; status: 422; fieldErrors: Record<string, string> };

export async function saveCampaign(
  db: Db,
  shop: string,
  input: unknown,
  options: { id?: string; now?: Date } = {},
): Promise<{ ok: true; campaign: Campaign } | Invalid | { ok: false; status: 404 }> {
  const parsed = campaignSchema.safeParse(input);
  if (!parsed.success) return { ok: false, status: 422, fieldErrors: fieldErrorsOf(parsed.error) };
  const now = options.now ?? new Date();
  const data = parsed.data;
  if (!options.id) {
    const campaign = await db.campaign.create({
      data: { shop, ...data, enabledAt: data.enabled ? now : null },
    });
    return { ok: true, campaign };
  }
  // A broadcast is not edited into a trigger (or back): another kind is no such campaign here.
  const existing = await db.campaign.findFirst({ where: { id: options.id, shop, kind: data.kind } });
  if (!existing) return { ok: false, status: 404 };
  // Switching a campaign on starts it from now: events recorded while it was off stay silent.
  const enabledAt = data.enabled ? (existing.enabled ? existing.enabledAt : now) : null;
  const campaign = await db.campaign.update({ where: { id: existing.id }, data: { ...data, enabledAt } });
  return { ok: true, campaign };
}

export async function saveEmailSettings(
  db: Db,
  shop: string,
  input: unknown,
): Promise<{ ok: true } | Invalid> {
  const parsed = emailSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, status: 422, fieldErrors: fieldErrorsOf(parsed.error) };
  const { smtpPassword, klaviyoApiKey, ...rest } = parsed.data;
  const data = {
    ...rest,
    fromEmail: rest.fromEmail ?? null,
    fromName: rest.fromName || null,
    smtpHost: rest.smtpHost || null,
    smtpPort: rest.smtpPort ?? null,
    smtpUser: rest.smtpUser || null,
    ...sealed("smtpPasswordCiphertext", smtpPassword, SECRET.smtp),
    ...sealed("klaviyoApiKeyCiphertext", klaviyoApiKey, SECRET.klaviyo),
  };
  if (rest.emailProvider === "klaviyo" && klaviyoApiKey !== undefined && !klaviyoApiKey)
    return { ok: false, status: 422, fieldErrors: { klaviyoApiKey: "Klaviyo's private API key." } };
  if (rest.emailProvider === "klaviyo" && klaviyoApiKey === undefined) {
    const stored = await db.campaignSettings.findUnique({ where: { shop } });
    if (!stored?.klaviyoApiKeyCiphertext)
      return { ok: false, status: 422, fieldErrors: { klaviyoApiKey: "Klaviyo's private API key." } };
  }
  await db.campaignSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { ok: true };
}

export async function saveSmsSettings(db: Db, shop: string, input: unknown): Promise<{ ok: true } | Invalid> {
  const parsed = smsSettingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, status: 422, fieldErrors: fieldErrorsOf(parsed.error) };
  const { twilioAuthToken, ...rest } = parsed.data;
  if (twilioAuthToken === undefined) {
    const stored = await db.campaignSettings.findUnique({ where: { shop } });
    if (!stored?.twilioAuthTokenCiphertext)
      return { ok: false, status: 422, fieldErrors: { twilioAuthToken: "The Auth Token." } };
  }
  const data = { ...rest, ...sealed("twilioAuthTokenCiphertext", twilioAuthToken, SECRET.twilio) };
  await db.campaignSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { ok: true };
}

/** What the admin may show of the settings: no secret, only whether each one is set. */
export async function emailSettingsStatus(db: Db, shop: string) {
  const row = await db.campaignSettings.findUnique({ where: { shop } });
  if (!row) return null;
  const { smtpPasswordCiphertext, klaviyoApiKeyCiphertext, twilioAuthTokenCiphertext, ...rest } = row;
  return {
    ...rest,
    hasPassword: smtpPasswordCiphertext !== null,
    hasKlaviyoKey: klaviyoApiKeyCiphertext !== null,
    hasTwilioToken: twilioAuthTokenCiphertext !== null,
  };
}

export type SmtpSettings = {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  from: { address: string; name: string | null };
};

export type TwilioSettings = { accountSid: string; authToken: string; from: string };

export type ShopSending = {
  smtp: SmtpSettings | null;
  emailProvider: "smtp" | "klaviyo";
  klaviyo: { apiKey: string } | null;
  twilio: TwilioSettings | null;
  memberCapCount: number;
  memberCapDays: number;
  sendsPerMinute: number;
  /** Per provider account (send-rate.server.ts); null: the provider's default. */
  providerSendsPerMinute: Record<SendProvider, number | null>;
};

const DEFAULT_SENDING = {
  memberCapCount: 3,
  memberCapDays: 7,
  sendsPerMinute: 120,
  providerSendsPerMinute: { smtp: null, klaviyo: null, twilio: null },
};

/** The shop's sending settings with the password opened; smtp is null until a server is configured. */
export async function shopSending(db: Db, shop: string): Promise<ShopSending> {
  const row = await db.campaignSettings.findUnique({ where: { shop } });
  if (!row) return { smtp: null, emailProvider: "smtp", klaviyo: null, twilio: null, ...DEFAULT_SENDING };
  const { memberCapCount, memberCapDays, sendsPerMinute } = row;
  const smtp =
    row.smtpHost && row.smtpPort && row.fromEmail
      ? {
          host: row.smtpHost,
          port: row.smtpPort,
          secure: row.smtpSecure,
          user: row.smtpUser,
          password: opened(row.smtpPasswordCiphertext, SECRET.smtp),
          from: { address: row.fromEmail, name: row.fromName },
        }
      : null;
  const klaviyoKey = opened(row.klaviyoApiKeyCiphertext, SECRET.klaviyo);
  const twilioToken = opened(row.twilioAuthTokenCiphertext, SECRET.twilio);
  return {
    smtp,
    emailProvider: row.emailProvider === "klaviyo" ? "klaviyo" : "smtp",
    klaviyo: klaviyoKey ? { apiKey: klaviyoKey } : null,
    twilio:
      row.twilioAccountSid && row.twilioFrom && twilioToken
        ? { accountSid: row.twilioAccountSid, authToken: twilioToken, from: row.twilioFrom }
        : null,
    memberCapCount,
    memberCapDays,
    sendsPerMinute,
    providerSendsPerMinute: {
      smtp: row.smtpSendsPerMinute,
      klaviyo: row.klaviyoSendsPerMinute,
      twilio: row.twilioSendsPerMinute,
    },
  };
}
