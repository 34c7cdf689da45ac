import { z } from "zod";
import { emailContent, type Tracking } from "./content";
import type { Channel } from "./definition";
import { inboxContent } from "./inbox";
import { replaceLinks } from "./measure/links";
import { e164, smsContent, smsSize, smsSizeProblem } from "./sms";
import type { TemplateValues } from "./template";

// What differs between channels, as plain rules: where a customer's address comes from and
// whether it is valid, which consent marketing needs, whether quiet hours and the shop's rate
// hold it back, and what the member receives. The delivery (deliver.server.ts) runs the same
// checks for every channel through these; the transport (providers.server.ts) is chosen
// separately, by the shop's provider settings. The widget inbox is a channel like the others
// whose hand-off is a row the app writes (ADR 0048): no address, no consent asked (the member
// reads it logged in on the store), no quiet hours and no per-minute rate.

export type Reachable = {
  email: string | null;
  phone: string | null;
  emailConsent: boolean;
  smsConsent: boolean;
};

type ChannelRules = {
  /** The customer's address on this channel, normalised (null: the inbox needs none), or a reason there is none usable. */
  address(customer: Reachable): { address: string | null } | { problem: string };
  consented(customer: Reachable): boolean;
  noConsent: string;
  /** Quiet hours and the shop's per-minute rate apply (a provider's message interrupts; the inbox waits to be read). */
  paced: boolean;
};

const validEmail = z.email();

export const CHANNEL_RULES: Record<Channel, ChannelRules> = {
  email: {
    address(customer) {
      if (!customer.email) return { problem: "The customer has no email address." };
      const email = customer.email.trim().toLowerCase();
      return validEmail.safeParse(email).success ? { address: email } : { problem: "Invalid email address." };
    },
    consented: (customer) => customer.emailConsent,
    noConsent: "No email marketing consent.",
    paced: true,
  },
  sms: {
    address(customer) {
      if (!customer.phone) return { problem: "The customer has no phone number." };
      const phone = e164(customer.phone);
      return phone
        ? { address: phone }
        : { problem: "Invalid phone number: not E.164 (+ and country code)." };
    },
    consented: (customer) => customer.smsConsent,
    noConsent: "No SMS marketing consent.",
    paced: true,
  },
  inbox: {
    address: () => ({ address: null }),
    consented: () => true,
    noConsent: "",
    paced: false,
  },
};

export type RenderedMessage =
  | { channel: "email"; summary: string; subject: string; html: string; text: string }
  | { channel: "sms"; summary: string; body: string }
  | {
      channel: "inbox";
      summary: string;
      title: string;
      body: string;
      ctaLabel: string | null;
      ctaUrl: string | null;
      expiresAt: Date;
    };

type CampaignTemplates = {
  channel: string;
  subject: string;
  body: string;
  smsBody: string | null;
  transactional: boolean;
  ctaLabel?: string | null;
  ctaUrl?: string | null;
};

/**
 * What the member receives on the channel, with `summary` for the message log (the subject
 * or inbox title, or the first words of the SMS). Throws TemplateError for a bad template;
 * answers a problem (never a message) for an SMS over the size limits or without a text.
 */
export async function renderMessage(
  campaign: CampaignTemplates,
  values: TemplateValues,
  unsubscribeUrl: string,
  /**
   * A measured campaign's open pixel and tracked links. An SMS has no pixel; its links go
   * through the click redirect like the email's, so a text's clicks are counted too.
   */
  tracking: Tracking | null = null,
  /** The instant the inbox message's 30 days are counted from. */
  now: Date = new Date(),
): Promise<RenderedMessage | { problem: string }> {
  if (campaign.channel === "inbox") {
    const content = inboxContent(
      { ...campaign, ctaLabel: campaign.ctaLabel ?? null, ctaUrl: campaign.ctaUrl ?? null },
      values,
      now,
    );
    return { channel: "inbox", summary: content.title, ...content };
  }
  if (campaign.channel === "sms") {
    if (!campaign.smsBody) return { problem: "The campaign has no SMS text." };
    const sms = smsContent(campaign.smsBody, values, { transactional: campaign.transactional });
    // The size that counts is the text sent: a tracked link is longer than the one written.
    const body = tracking ? replaceLinks(sms.body, tracking.clickUrl) : sms.body;
    const tooBig = smsSizeProblem(tracking ? smsSize(body) : sms.size);
    if (tooBig) return { problem: tooBig };
    const summary = sms.body.length > 60 ? `${sms.body.slice(0, 59)}…` : sms.body;
    return { channel: "sms", summary: summary.replace(/\s+/g, " "), body };
  }
  const email = await emailContent(campaign, values, unsubscribeUrl, "en", tracking);
  return { channel: "email", summary: email.subject, ...email };
}
