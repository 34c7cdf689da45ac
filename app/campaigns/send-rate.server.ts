import { createHmac } from "node:crypto";
import type { Redis } from "ioredis";
import { env } from "~/env.server";
import type { ShopSending } from "./campaigns.server";
import type { ProviderChannel } from "./definition";
import { defaultProviderSendsPerMinute, type SendProvider } from "./provider-limits";
import { providerUrls, type ProviderUrls } from "./providers.server";

// The send rates a delivery must fit in before its hand-off: the shop's own per minute, and
// its provider account's, which every shop sending through the same account shares (two
// shops of one merchant on one SMTP login, one Klaviyo account or one Twilio account). The
// account is named by an HMAC of the provider's host and account (for Klaviyo the API key),
// so Redis never holds a secret or an address in clear.

export type ProviderBudget = { provider: SendProvider; key: string; perMinute: number };

const hashed = (identity: string, secret: string) =>
  createHmac("sha256", secret).update(`campaign-provider:v1:${identity}`).digest("base64url").slice(0, 24);

const hostOf = (url: string) => new URL(url).host.toLowerCase();

/** The provider account a channel goes through for the shop, and its per-minute budget; null without one. */
export function providerBudget(
  sending: ShopSending,
  channel: ProviderChannel,
  urls: ProviderUrls = providerUrls(),
  secret = env().SHOPIFY_API_SECRET,
): ProviderBudget | null {
  const rates = sending.providerSendsPerMinute;
  if (channel === "sms") {
    if (!sending.twilio) return null;
    return {
      provider: "twilio",
      key: hashed(`twilio:${hostOf(urls.twilio)}:${sending.twilio.accountSid}`, secret),
      perMinute: rates.twilio ?? defaultProviderSendsPerMinute("twilio", sending.twilio.from),
    };
  }
  if (sending.emailProvider === "klaviyo") {
    if (!sending.klaviyo) return null;
    return {
      provider: "klaviyo",
      key: hashed(`klaviyo:${hostOf(urls.klaviyo)}:${sending.klaviyo.apiKey}`, secret),
      perMinute: rates.klaviyo ?? defaultProviderSendsPerMinute("klaviyo"),
    };
  }
  if (!sending.smtp) return null;
  const { host, port, user } = sending.smtp;
  return {
    provider: "smtp",
    key: hashed(`smtp:${host.toLowerCase()}:${port}:${user ?? ""}`, secret),
    perMinute: rates.smtp ?? defaultProviderSendsPerMinute("smtp"),
  };
}

// Both counters or neither: a send refused by one budget must not use up the other's.
const TAKE_SLOTS = `
local shop = tonumber(redis.call('GET', KEYS[1]) or '0')
if shop >= tonumber(ARGV[1]) then return 1 end
if #KEYS > 1 then
  local provider = tonumber(redis.call('GET', KEYS[2]) or '0')
  if provider >= tonumber(ARGV[2]) then return 2 end
  redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0`;

/**
 * A redis-counted slot of this minute's shop rate and provider-account rate: null when the
 * send may go, or the start of the next minute when either is used up (the job waits then,
 * without spending an attempt).
 */
export function rateSlots(connection: Redis, urls?: ProviderUrls) {
  return async (
    shop: string,
    sending: ShopSending,
    channel: ProviderChannel,
    now: Date,
  ): Promise<Date | null> => {
    const minute = Math.floor(now.getTime() / 60_000);
    const budget = providerBudget(sending, channel, urls);
    const keys = [`campaigns:rate:${shop}:${minute}`];
    if (budget) keys.push(`campaigns:provider-rate:${budget.key}:${minute}`);
    const refused = (await connection.eval(
      TAKE_SLOTS,
      keys.length,
      ...keys,
      sending.sendsPerMinute,
      budget?.perMinute ?? 0,
      120_000,
    )) as number;
    return refused === 0 ? null : new Date((minute + 1) * 60_000);
  };
}
