// How fast a provider account may be sent through, when the merchant has not said
// (ADR campaign-extras-provider-rates). Per minute, as the shop's own rate, counted per
// provider account so that shops sharing one share its budget. Pure: the settings form
// shows these defaults.

export const SEND_PROVIDERS = ["smtp", "klaviyo", "twilio"] as const;
export type SendProvider = (typeof SEND_PROVIDERS)[number];

/**
 * - smtp: no public limit is common to SMTP servers; 600 a minute (10 a second) stays under
 *   Amazon SES's starting production rate (14 a second), and a server that refuses faster
 *   answers 4xx, which delivery retries.
 * - klaviyo: Create Event is Klaviyo's XL limit, 350 a second burst and 3,500 a minute steady
 *   per account, shared by every private-key integration of that account: 3,000 leaves the
 *   merchant's other integrations room.
 * - twilio: a long code sends one segment a second (US/Canada toll-free numbers three);
 *   Twilio queues what exceeds that for up to 4 hours, then fails it. A Messaging Service
 *   pools numbers we cannot see, so it is given one number's rate.
 */
export const DEFAULT_PROVIDER_SENDS_PER_MINUTE = { smtp: 600, klaviyo: 3_000, twilio: 60 } as const;

const TOLL_FREE = /^\+1(800|833|844|855|866|877|888)\d{7}$/;

/** The default for a provider; Twilio's depends on its sender (a toll-free number sends 3 a second). */
export function defaultProviderSendsPerMinute(provider: SendProvider, twilioFrom?: string | null): number {
  if (provider === "twilio" && twilioFrom && TOLL_FREE.test(twilioFrom)) return 180;
  return DEFAULT_PROVIDER_SENDS_PER_MINUTE[provider];
}
