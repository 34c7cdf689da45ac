import type { PrismaClient } from "~/db.server";
import {
  emailSettingsStatus,
  saveCampaign,
  saveEmailSettings,
  saveSmsSettings,
} from "~/campaigns/campaigns.server";
import { feedbackUrl } from "~/campaigns/feedback.server";
import { env } from "~/env.server";
import { bestHourSummary } from "~/campaigns/send-time/refresh.server";
import { sendTestEmail, sendTestSms } from "~/campaigns/test-send.server";
import { setCampaignTest } from "~/campaigns/measure/test.server";
import { TRIGGER_KINDS, TRIGGERS } from "~/campaigns/triggers";
import { loadWriter, writerAction, type WriterAnswer } from "./writer.server";
import { campaignTestFromForm } from "./test-form";
import { DEFAULT_COPY } from "~/campaigns/default-copy";
import { readTriggerSettings } from "~/campaigns/scheduled-triggers";
import { minorUnitsPerMajor } from "~/loyalty/money";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import {
  broadcastsAction,
  loadBroadcasts,
  type BroadcastAnswer,
  type BroadcastDeps,
} from "./broadcasts.server";

// Campaigns (/app/campaigns): the shop's trigger campaigns with their sends by status (and
// the triggers not set up yet, with their default copy), the editor (save a new campaign or
// an existing one, with the trigger's own settings), the broadcasts (broadcasts.server.ts),
// the sending settings per channel (email: SMTP or Klaviyo; SMS: Twilio; every secret
// write-only), and the latest messages with their status or reason.

const STATUSES = ["queued", "sent", "failed", "suppressed", "heldOut"] as const;

export async function loadCampaignsPage(db: PrismaClient, shop: string) {
  const [shopRow, campaigns, counts, settings, recent, writer, bestHours, { program }] = await Promise.all([
    db.shop.findUnique({
      where: { domain: shop },
      select: { ianaTimezone: true, name: true, currencyCode: true },
    }),
    db.campaign.findMany({ where: { shop, kind: "trigger" }, orderBy: { createdAt: "asc" } }),
    db.campaignSend.groupBy({ by: ["campaignId", "status"], where: { shop }, _count: { _all: true } }),
    emailSettingsStatus(db, shop),
    db.campaignSend.findMany({
      where: { shop },
      orderBy: { queuedAt: "desc" },
      take: 25,
      include: { campaign: { select: { name: true } }, inboxMessage: { select: { readAt: true } } },
    }),
    loadWriter(db, shop),
    bestHourSummary(db, shop),
    currentProgramVersion(db, shop),
  ]);
  const timeZone = shopRow?.ianaTimezone ?? "UTC";
  const currency = shopRow?.currencyCode ?? "USD";
  const basis = program.tiers.basis;
  const broadcasts = await loadBroadcasts(db, shop, timeZone);
  const countOf = (campaignId: string, status: (typeof STATUSES)[number]) =>
    counts.find((c) => c.campaignId === campaignId && c.status === status)?._count._all ?? 0;
  return {
    timeZone,
    shopName: shopRow?.name ?? shop,
    bestHours,
    currency,
    // The unit "almost there" measures the distance to the next tier in (the live program's basis).
    tierBasis: basis,
    tiers: program.tiers.levels.map((l) => ({ id: l.id, name: l.name })),
    triggers: TRIGGER_KINDS.map((value) => ({
      value,
      label: TRIGGERS[value].label,
      transactional: TRIGGERS[value].transactional,
      copy: DEFAULT_COPY[value],
    })),
    campaigns: campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      trigger: c.trigger,
      channel: c.channel,
      smsBody: c.smsBody,
      transactional: c.transactional,
      inboxFallback: c.inboxFallback,
      ctaLabel: c.ctaLabel,
      ctaUrl: c.ctaUrl,
      subject: c.subject,
      body: c.body,
      enabled: c.enabled,
      measured: c.experimentId !== null,
      frequencyCapCount: c.frequencyCapCount,
      frequencyCapHours: c.frequencyCapHours,
      quietStartHour: c.quietStartHour,
      quietEndHour: c.quietEndHour,
      brief: c.brief,
      writtenBy: c.writtenBy,
      personalize: c.personalize,
      sendTime: c.sendTime,
      settings: settingsFields(c.trigger, c.triggerSettings, basis, currency),
      sends: Object.fromEntries(STATUSES.map((s) => [s, countOf(c.id, s)])) as Record<
        (typeof STATUSES)[number],
        number
      >,
    })),
    // Where the merchant points Twilio's webhooks and any provider's bounce reports.
    endpoints: {
      twilioInbound: `${appUrl()}/twilio/inbound?shop=${encodeURIComponent(shop)}`,
      feedback: feedbackUrl(shop),
    },
    settings: settings && {
      emailProvider: settings.emailProvider === "klaviyo" ? ("klaviyo" as const) : ("smtp" as const),
      hasKlaviyoKey: settings.hasKlaviyoKey,
      twilioAccountSid: settings.twilioAccountSid,
      twilioFrom: settings.twilioFrom,
      hasTwilioToken: settings.hasTwilioToken,
      fromEmail: settings.fromEmail,
      fromName: settings.fromName,
      smtpHost: settings.smtpHost,
      smtpPort: settings.smtpPort,
      smtpSecure: settings.smtpSecure,
      smtpUser: settings.smtpUser,
      hasPassword: settings.hasPassword,
      memberCapCount: settings.memberCapCount,
      memberCapDays: settings.memberCapDays,
      sendsPerMinute: settings.sendsPerMinute,
      smtpSendsPerMinute: settings.smtpSendsPerMinute,
      klaviyoSendsPerMinute: settings.klaviyoSendsPerMinute,
      twilioSendsPerMinute: settings.twilioSendsPerMinute,
    },
    writer,
    ...broadcasts,
    recent: recent.map((s) => ({
      id: s.id,
      campaign: s.campaign.name,
      customerId: s.customerId.toString(),
      channel: s.channel,
      toAddress: s.toAddress,
      // Inbox deliveries: when the member opened the message in the widget.
      readAt: s.inboxMessage?.readAt?.toISOString() ?? null,
      // Delivered to the inbox, and purged since it expired (app/campaigns/inbox-purge.server.ts).
      inboxExpired: s.channel === "inbox" && s.status === "sent" && !s.inboxMessage,
      subject: s.subject,
      status: s.status,
      error: s.error,
      attempts: s.attempts,
      queuedAt: s.queuedAt.toISOString(),
      sentAt: s.sentAt?.toISOString() ?? null,
    })),
  };
}

/** A trigger's settings as the editor's text fields (the tier distance in major units for spend). */
function settingsFields(trigger: string | null, json: unknown, basis: string, currency: string) {
  const fields: Record<string, string> = {};
  if (trigger === "tierDowngradeWarning")
    fields.daysBefore = String(readTriggerSettings("tierDowngradeWarning", json).daysBefore);
  if (trigger === "winBack") fields.cooldownDays = String(readTriggerSettings("winBack", json).cooldownDays);
  if (trigger === "almostThere") {
    const s = readTriggerSettings("almostThere", json);
    fields.rewardPercent = String(s.rewardPercent);
    const scale = basis === "spend" ? minorUnitsPerMajor(currency) : 1;
    fields.tierWithin = s.tierWithin === null ? "" : String(s.tierWithin / scale);
  }
  return fields;
}

/** The trigger settings a form sends, as numbers (NaN for anything the schema must refuse). */
function settingsInput(form: FormData, basis: string, currency: string) {
  const value = (name: string) => {
    const raw = text(form, `settings.${name}`)?.trim();
    if (raw === undefined) return undefined;
    if (raw === "") return null;
    return /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  };
  const tierWithin = value("tierWithin");
  const scale = basis === "spend" ? minorUnitsPerMajor(currency) : 1;
  const settings: Record<string, number | null> = {};
  for (const name of ["daysBefore", "cooldownDays", "rewardPercent"]) {
    const v = value(name);
    if (v !== undefined && v !== null) settings[name] = v;
  }
  if (tierWithin !== undefined)
    settings.tierWithin = tierWithin === null ? null : Math.round(tierWithin * scale * 1e6) / 1e6;
  return settings;
}

const appUrl = () => env().SHOPIFY_APP_URL.replace(/\/$/, "");

export type CampaignsPage = Awaited<ReturnType<typeof loadCampaignsPage>>;

export type CampaignsAnswer =
  | { ok: true; saved: "campaign" | "settings" | "sms-settings" | "test" }
  | { ok: true; testSentTo: string }
  | {
      ok: true;
      testSentTo: string;
      sms: { body: string; characters: number; segments: number; encoding: "GSM-7" | "UCS-2" };
    }
  | { ok: false; error: string; fieldErrors: Record<string, string> }
  | WriterAnswer;

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};
/** A number field: empty is null, anything else must be an integer (else NaN, which zod refuses). */
const integer = (form: FormData, name: string) => {
  const value = text(form, name)?.trim();
  if (!value) return null;
  return /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
};

export async function campaignsAction(
  db: PrismaClient,
  shop: string,
  form: FormData,
  deps: BroadcastDeps = {},
): Promise<{ status: number; body: CampaignsAnswer | BroadcastAnswer }> {
  const broadcast = await broadcastsAction(db, shop, form, deps);
  if (broadcast) return broadcast;
  const intent = form.get("intent");
  if (intent === "save-campaign") {
    const id = text(form, "id") || undefined;
    if (id && !/^[0-9a-f-]{36}$/i.test(id))
      return {
        status: 400,
        body: { ok: false, error: "The form could not be read; reload the page.", fieldErrors: {} },
      };
    const answer = await saveCampaign(
      db,
      shop,
      {
        name: text(form, "name") ?? "",
        kind: "trigger",
        trigger: text(form, "trigger") || null,
        channel: text(form, "channel") || "email",
        inboxFallback: text(form, "inboxFallback") === "true",
        ctaLabel: text(form, "ctaLabel")?.trim() || null,
        ctaUrl: text(form, "ctaUrl")?.trim() || null,
        smsBody: text(form, "smsBody") ?? null,
        subject: text(form, "subject") ?? "",
        body: text(form, "body") ?? "",
        enabled: text(form, "enabled") === "true",
        frequencyCapCount: integer(form, "frequencyCapCount"),
        frequencyCapHours: integer(form, "frequencyCapHours"),
        quietStartHour: integer(form, "quietStartHour"),
        quietEndHour: integer(form, "quietEndHour"),
        brief: text(form, "brief") ?? "",
        writtenBy: text(form, "writtenBy") || "hand",
        personalize: text(form, "personalize") === "true",
        sendTime: text(form, "sendTime") || "immediate",
        triggerSettings: await triggerSettingsOf(db, shop, form),
      },
      { id },
    );
    if (answer.ok) return { status: 200, body: { ok: true, saved: "campaign" } };
    if (answer.status === 404)
      return { status: 404, body: { ok: false, error: "No such campaign in this shop.", fieldErrors: {} } };
    return {
      status: 422,
      body: { ok: false, error: "Check the campaign.", fieldErrors: answer.fieldErrors },
    };
  }
  if (intent === "test-send") {
    const answer = await sendTestEmail(db, shop, {
      subject: text(form, "subject") ?? "",
      body: text(form, "body") ?? "",
      to: text(form, "testTo") ?? "",
    });
    if (answer.ok) return { status: 200, body: { ok: true, testSentTo: answer.to } };
    return {
      status: answer.status,
      body: { ok: false, error: answer.error, fieldErrors: answer.fieldErrors },
    };
  }
  if (intent === "test-sms") {
    const answer = await sendTestSms(db, shop, {
      smsBody: text(form, "smsBody") ?? "",
      trigger: text(form, "trigger") || null,
      to: text(form, "testPhone") ?? "",
    });
    if (!answer.ok)
      return {
        status: answer.status,
        body: { ok: false, error: answer.error, fieldErrors: answer.fieldErrors },
      };
    const { characters, segments, encoding } = answer.size;
    return {
      status: 200,
      body: { ok: true, testSentTo: answer.to, sms: { body: answer.body, characters, segments, encoding } },
    };
  }
  if (intent === "set-test") {
    const id = text(form, "id") ?? "";
    if (!/^[0-9a-f-]{36}$/i.test(id))
      return {
        status: 400,
        body: { ok: false, error: "The form could not be read; reload the page.", fieldErrors: {} },
      };
    const answer = await setCampaignTest(db, shop, id, campaignTestFromForm(form));
    if (answer.ok) return { status: 200, body: { ok: true, saved: "test" } };
    return {
      status: answer.status,
      body: {
        ok: false,
        error: answer.status === 422 ? "Check the test." : answer.message,
        fieldErrors: answer.fieldErrors,
      },
    };
  }
  if (intent === "save-settings") {
    const password = text(form, "smtpPassword");
    const klaviyoKey = text(form, "klaviyoApiKey");
    const answer = await saveEmailSettings(db, shop, {
      emailProvider: text(form, "emailProvider") || "smtp",
      fromEmail: text(form, "fromEmail") || undefined,
      fromName: text(form, "fromName"),
      smtpHost: text(form, "smtpHost") || undefined,
      smtpPort: integer(form, "smtpPort") ?? undefined,
      // An empty key field keeps the stored key.
      ...(klaviyoKey ? { klaviyoApiKey: klaviyoKey } : {}),
      smtpSecure: text(form, "smtpSecure") === "true",
      smtpUser: text(form, "smtpUser"),
      // An empty password field keeps the stored one; "clear" removes it.
      ...(password ? { smtpPassword: password } : {}),
      ...(text(form, "clearPassword") === "true" ? { smtpPassword: "" } : {}),
      memberCapCount: integer(form, "memberCapCount") ?? undefined,
      memberCapDays: integer(form, "memberCapDays") ?? undefined,
      sendsPerMinute: integer(form, "sendsPerMinute") ?? undefined,
      // Empty: the provider's default.
      ...providerRate(form, "smtpSendsPerMinute"),
      ...providerRate(form, "klaviyoSendsPerMinute"),
    });
    if (answer.ok) return { status: 200, body: { ok: true, saved: "settings" } };
    return {
      status: 422,
      body: { ok: false, error: "Check the email server settings.", fieldErrors: answer.fieldErrors },
    };
  }
  const writer = typeof intent === "string" ? await writerAction(db, shop, intent, form) : null;
  if (writer) return writer;
  if (intent === "save-sms-settings") {
    const token = text(form, "twilioAuthToken");
    const answer = await saveSmsSettings(db, shop, {
      twilioAccountSid: text(form, "twilioAccountSid") ?? "",
      twilioFrom: text(form, "twilioFrom") ?? "",
      // An empty token field keeps the stored token.
      ...(token ? { twilioAuthToken: token } : {}),
      ...providerRate(form, "twilioSendsPerMinute"),
    });
    if (answer.ok) return { status: 200, body: { ok: true, saved: "sms-settings" } };
    return {
      status: 422,
      body: { ok: false, error: "Check the SMS settings.", fieldErrors: answer.fieldErrors },
    };
  }
  return {
    status: 400,
    body: { ok: false, error: "The form could not be read; reload the page.", fieldErrors: {} },
  };
}

/** A provider's rate field when the form has it: empty is null (the default). */
const providerRate = (form: FormData, name: string) =>
  form.has(name) ? { [name]: integer(form, name) } : {};

async function triggerSettingsOf(db: PrismaClient, shop: string, form: FormData) {
  const [shopRow, { program }] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { currencyCode: true } }),
    currentProgramVersion(db, shop),
  ]);
  return settingsInput(form, program.tiers.basis, shopRow?.currencyCode ?? "USD");
}
