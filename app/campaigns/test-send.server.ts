import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { shopSending, type TwilioSettings } from "./campaigns.server";
import { emailContent } from "./content";
import { smsTemplateProblem } from "./definition";
import { providerUrls } from "./providers.server";
import { e164, smsContent, type SmsSize } from "./sms";
import { sampleValues, templateProblem } from "./template";
import { ProviderError, smtpTransport, type EmailTransport, type Transport } from "./transport.server";
import { TRIGGERS, type TriggerKind } from "./triggers";
import { twilioTransport } from "./twilio.server";

// A test-send from the editor: the campaign as typed (saved or not), rendered for a sample
// member, through the shop's own email server to an address staff give (or, for an SMS
// campaign, through its Twilio account to a number they give). Inline, because
// staff wait for the answer; nodemailer's timeouts bound it (about 10 s when the server is away).

export type TestSendAnswer =
  | { ok: true; to: string }
  | { ok: false; status: 422 | 409 | 502; error: string; fieldErrors: Record<string, string> };

export async function sendTestEmail(
  db: PrismaClient,
  shop: string,
  input: { subject: string; body: string; to: string },
  transportFor: (
    smtp: NonNullable<Awaited<ReturnType<typeof shopSending>>["smtp"]>,
  ) => EmailTransport = smtpTransport,
): Promise<TestSendAnswer> {
  const fieldErrors: Record<string, string> = {};
  if (!z.email().safeParse(input.to.trim()).success) fieldErrors.testTo = "A valid email address.";
  const subjectProblem = templateProblem(input.subject);
  if (subjectProblem) fieldErrors.subject = subjectProblem;
  const bodyProblem = templateProblem(input.body);
  if (bodyProblem) fieldErrors.body = bodyProblem;
  if (Object.keys(fieldErrors).length)
    return { ok: false, status: 422, error: "Check the campaign.", fieldErrors };
  const [sending, shopRow] = await Promise.all([
    shopSending(db, shop),
    db.shop.findUnique({ where: { domain: shop }, select: { name: true } }),
  ]);
  if (sending.emailProvider === "klaviyo")
    return {
      ok: false,
      status: 409,
      error: "Klaviyo sends this shop's emails: preview them in your Klaviyo flow.",
      fieldErrors: {},
    };
  if (!sending.smtp)
    return { ok: false, status: 409, error: "Set up the email server first.", fieldErrors: {} };
  const to = input.to.trim().toLowerCase();
  // The unsubscribe link of a test points nowhere real: it names no customer.
  const link = "https://example.invalid/unsubscribe";
  const content = await emailContent(input, sampleValues(shopRow?.name ?? shop), link);
  try {
    await transportFor(sending.smtp).send({
      ...content,
      subject: `[Test] ${content.subject}`,
      to,
      sendId: `test-${Date.now()}`,
      unsubscribeUrl: link,
    });
    return { ok: true, to };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return { ok: false, status: 502, error: `The email server refused: ${error.message}`, fieldErrors: {} };
  }
}

export type TestSmsAnswer =
  | { ok: true; to: string; body: string; size: SmsSize }
  | { ok: false; status: 422 | 409 | 502; error: string; fieldErrors: Record<string, string> };

/**
 * A test text from the editor: the SMS as typed, rendered for the sample member (with the
 * opt-out line a marketing text ends with), through the shop's Twilio account to a number
 * staff give. No CampaignSend is written, no rate slot taken and no status callback asked:
 * it is not a campaign's send and is counted nowhere.
 */
export async function sendTestSms(
  db: PrismaClient,
  shop: string,
  input: { smsBody: string; trigger: string | null; to: string },
  transportFor: (twilio: TwilioSettings) => Transport = (twilio) =>
    twilioTransport(twilio, providerUrls().twilio),
): Promise<TestSmsAnswer> {
  const fieldErrors: Record<string, string> = {};
  const to = e164(input.to);
  if (!to) fieldErrors.testPhone = "A mobile number in international format (E.164), like +15550102030.";
  const transactional = isTrigger(input.trigger) ? TRIGGERS[input.trigger].transactional : false;
  const problem = input.smsBody.trim()
    ? smsTemplateProblem(input.smsBody, transactional)
    : "Write the SMS text.";
  if (problem) fieldErrors.smsBody = problem;
  if (Object.keys(fieldErrors).length || !to)
    return { ok: false, status: 422, error: "Check the test text.", fieldErrors };
  const [sending, shopRow] = await Promise.all([
    shopSending(db, shop),
    db.shop.findUnique({ where: { domain: shop }, select: { name: true } }),
  ]);
  if (!sending.twilio)
    return { ok: false, status: 409, error: "Set up SMS (Twilio) first.", fieldErrors: {} };
  const content = smsContent(input.smsBody, sampleValues(shopRow?.name ?? shop), { transactional });
  try {
    await transportFor(sending.twilio).send({
      channel: "sms",
      to,
      body: content.body,
      sendId: `test-${Date.now()}`,
      campaignName: "Test",
      statusCallback: null,
    });
    return { ok: true, to, body: content.body, size: content.size };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    return { ok: false, status: 502, error: `Twilio refused the test: ${error.message}`, fieldErrors: {} };
  }
}

const isTrigger = (value: string | null): value is TriggerKind => value !== null && value in TRIGGERS;
