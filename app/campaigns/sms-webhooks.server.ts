import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { logger } from "~/logger.server";
import { BODY_LIMITS, PayloadTooLarge, readText } from "~/request-body.server";
import { shopSending } from "./campaigns.server";
import { recordFeedback } from "./feedback.server";
import { e164, smsKeyword } from "./sms";
import { PERMANENT_DELIVERY_ERRORS, validTwilioSignature } from "./twilio.server";

// Twilio's two webhooks into the app, each at a URL naming the shop (?shop=) and signed by
// Twilio with the shop's auth token (X-Twilio-Signature over the public URL and the sorted
// form parameters): a bad or missing signature is a 401 and changes nothing.
//  - inbound messages (/twilio/inbound): STOP and its synonyms suppress the number for the
//    shop, clear the mirrored SMS consent and write UNSUBSCRIBED back to Shopify; START and
//    UNSTOP lift a STOP's suppression only (see ADR: marketing resumes only with Shopify's
//    consent given again). Each message is recorded once (Twilio retries).
//  - delivery status callbacks (/twilio/status): undelivered or failed marks the send failed
//    with the carrier's error, and a permanent error suppresses the number.

export type SmsWebhookDeps = {
  appUrl?: string;
  /** Enqueues the STOP's write-back to Shopify (default: the campaigns queue). */
  syncSmsConsent?: (shop: string, customerId: bigint) => Promise<void>;
};

const twiml = () =>
  new Response('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', {
    status: 200,
    headers: { "Content-Type": "text/xml; charset=utf-8" },
  });
const refuse = (status: 400 | 401 | 413 | 422, message: string) => Response.json({ message }, { status });

type Verified = { shop: string; params: Record<string, string> } | { response: Response };

/** The shop named by the URL, and the form parameters, when Twilio's signature holds. */
async function verified(db: PrismaClient, request: Request, appUrl: string): Promise<Verified> {
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop");
  if (!shop) return { response: refuse(400, "The webhook URL must name the shop (?shop=).") };
  let text: string;
  try {
    text = await readText(request, BODY_LIMITS.twilioWebhook);
  } catch (error) {
    if (error instanceof PayloadTooLarge) return { response: refuse(413, error.message) };
    throw error;
  }
  const params = Object.fromEntries(new URLSearchParams(text));
  const { twilio } = await shopSending(db, shop);
  // Twilio signs the address it was given: this app's public URL, whatever proxy is between.
  const signedUrl = `${appUrl.replace(/\/$/, "")}${url.pathname}${url.search}`;
  if (
    !twilio ||
    params.AccountSid !== twilio.accountSid ||
    !validTwilioSignature(twilio.authToken, request.headers.get("X-Twilio-Signature"), signedUrl, params)
  )
    return { response: refuse(401, "The request is not signed by this shop's Twilio account.") };
  return { shop, params };
}

const defaultSync = async (shop: string, customerId: bigint) =>
  enqueue(
    QUEUE.campaigns,
    "sync-sms-consent",
    { shop, customerId: customerId.toString() },
    { deduplication: { id: `sync-sms-consent_${shop}_${customerId}` } },
  );

export async function receiveInboundSms(
  db: PrismaClient,
  request: Request,
  deps: SmsWebhookDeps = {},
): Promise<Response> {
  const check = await verified(db, request, deps.appUrl ?? env().SHOPIFY_APP_URL);
  if ("response" in check) return check.response;
  const { shop, params } = check;
  const phone = e164(params.From);
  if (!phone || !params.MessageSid) return refuse(422, "From must be an E.164 number, with a MessageSid.");
  const keyword = smsKeyword(params.Body ?? "");
  if (!keyword) return twiml();

  // Customers whose number is this one, however Shopify formatted it.
  const customers = await db.$queryRaw<Array<{ id: bigint }>>`
    SELECT "id" FROM "Customer"
    WHERE "shop" = ${shop} AND regexp_replace(coalesce("phone", ''), '[^0-9+]', '', 'g') = ${phone}`;
  const ids = customers.map((c) => c.id);
  const fresh = await db.$transaction(async (tx) => {
    const recorded = await tx.campaignInboundSms.createMany({
      data: [{ shop, messageSid: params.MessageSid!, phone, customerId: ids[0] ?? null, keyword }],
      skipDuplicates: true,
    });
    if (recorded.count === 0) return false;
    if (keyword === "stop") {
      await tx.campaignSuppression.upsert({
        where: { shop_channel_address: { shop, channel: "sms", address: phone } },
        create: { shop, channel: "sms", address: phone, reason: "unsubscribed" },
        update: { reason: "unsubscribed" },
      });
      await tx.customer.updateMany({
        where: { shop, id: { in: ids } },
        data: { smsConsent: false, smsConsentAt: new Date() },
      });
    } else {
      // START lifts the STOP only: a bounce or an invalid number stays suppressed, and marketing
      // still needs the SMS consent Shopify holds (the mirror is not switched back on here).
      await tx.campaignSuppression.deleteMany({
        where: { shop, channel: "sms", address: phone, reason: "unsubscribed" },
      });
    }
    return true;
  });
  if (fresh && keyword === "stop") {
    for (const id of ids) {
      try {
        await (deps.syncSmsConsent ?? defaultSync)(shop, id);
      } catch (err) {
        // The STOP holds here already; Shopify hears of it from the next STOP or from staff.
        logger().warn({ err, shop }, "Could not enqueue the STOP's write-back to Shopify");
      }
    }
  }
  return twiml();
}

export async function receiveSmsStatus(
  db: PrismaClient,
  request: Request,
  deps: SmsWebhookDeps = {},
): Promise<Response> {
  const check = await verified(db, request, deps.appUrl ?? env().SHOPIFY_APP_URL);
  if ("response" in check) return check.response;
  const { shop, params } = check;
  const status = params.MessageStatus ?? params.SmsStatus;
  if (!params.MessageSid || !status) return refuse(422, "MessageSid and MessageStatus are required.");
  if (status !== "undelivered" && status !== "failed") return new Response(null, { status: 204 });
  const send = await db.campaignSend.findFirst({
    where: { shop, channel: "sms", providerMessageId: params.MessageSid },
    select: { id: true, toAddress: true },
  });
  if (!send) return new Response(null, { status: 204 });
  const code = params.ErrorCode ?? "";
  const error = `${status === "failed" ? "Failed" : "Undelivered"}${code ? ` (carrier error ${code})` : ""}`;
  await db.campaignSend.updateMany({
    where: { id: send.id, status: "sent" },
    data: { status: "failed", error },
  });
  if (send.toAddress && PERMANENT_DELIVERY_ERRORS.has(code))
    await recordFeedback(db, shop, {
      channel: "sms",
      address: send.toAddress,
      kind: "bounce",
      detail: error,
    });
  return new Response(null, { status: 204 });
}
