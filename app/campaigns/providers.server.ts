import { env } from "~/env.server";
import type { ShopSending } from "./campaigns.server";
import type { ProviderChannel as Channel } from "./definition";
import { klaviyoTransport } from "./klaviyo.server";
import { emailOnly, smtpTransport, type Transport } from "./transport.server";
import { twilioTransport } from "./twilio.server";

// Which provider carries a channel for a shop (its sending settings): email through the
// shop's SMTP server or a Klaviyo event; SMS through Twilio. The inbox channel (the widget)
// will be one more entry that needs no provider.

export type ProviderUrls = { twilio: string; klaviyo: string };

export const providerUrls = (): ProviderUrls => ({
  twilio: env().TWILIO_API_BASE_URL,
  klaviyo: env().KLAVIYO_API_BASE_URL,
});

/** The transport for the channel, or why there is none (the send fails with that reason). */
export function channelTransport(
  sending: ShopSending,
  channel: Channel,
  urls: ProviderUrls = providerUrls(),
): Transport | { missing: string } {
  if (channel === "sms")
    return sending.twilio
      ? twilioTransport(sending.twilio, urls.twilio)
      : { missing: "No SMS provider (Twilio) is configured for the shop." };
  if (sending.emailProvider === "klaviyo")
    return sending.klaviyo
      ? klaviyoTransport(sending.klaviyo, urls.klaviyo)
      : { missing: "Klaviyo is chosen for email but has no API key." };
  return sending.smtp
    ? emailOnly(smtpTransport(sending.smtp))
    : { missing: "No email server is configured for the shop." };
}
