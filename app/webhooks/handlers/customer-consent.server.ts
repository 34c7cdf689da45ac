import { consentOf, consentReplaces } from "~/ingest/consent";
import { customerEmailConsentPayload, customerSmsConsentPayload } from "~/ingest/customer-payload";
import { parsePayload, type WebhookHandler } from "../handler";

// The consent-only topics: Shopify sends them when a customer's SMS or email marketing
// consent changes (checkout, customer account, staff, another app). The mirror's consent
// follows unless it holds a consent decided later (`consent_updated_at`: the topics arrive in
// any order, and our own unsubscribes are dated when they happen); a customer not mirrored yet
// arrives whole with customers/create.

export const customerSmsConsentUpdate: WebhookHandler = async ({ tx, event }) => {
  const payload = parsePayload(customerSmsConsentPayload, event);
  const consent = consentOf(payload.sms_marketing_consent);
  await tx.customer.updateMany({
    where: { shop: event.shop, id: BigInt(payload.id), ...consentReplaces("smsConsentAt", consent.at) },
    data: {
      smsConsent: consent.subscribed,
      smsConsentAt: consent.at,
      ...(payload.phone ? { phone: payload.phone } : {}),
    },
  });
};

export const customerEmailConsentUpdate: WebhookHandler = async ({ tx, event }) => {
  const payload = parsePayload(customerEmailConsentPayload, event);
  const consent = consentOf(payload.email_marketing_consent);
  await tx.customer.updateMany({
    where: {
      shop: event.shop,
      id: BigInt(payload.customer_id),
      ...consentReplaces("emailConsentAt", consent.at),
    },
    data: { emailConsent: consent.subscribed, emailConsentAt: consent.at },
  });
};
