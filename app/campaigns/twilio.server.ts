import { createHmac, timingSafeEqual } from "node:crypto";
import type { TwilioSettings } from "./campaigns.server";
import { httpProviderError, ProviderError, type Transport } from "./transport.server";

// SMS through Twilio's Messages API (POST /2010-04-01/Accounts/{AccountSid}/Messages.json,
// form-encoded, HTTP basic auth AccountSid:AuthToken, JSON answer with `sid` and `status`,
// errors as `{ code, message, more_info, status }`), and the check of Twilio's signature on
// the requests it sends us (inbound messages, status callbacks).

// Twilio error codes that condemn the number itself: suppress it, never retry.
// 21211 invalid 'To', 21614 not a mobile number, 21610 the number replied STOP to this sender.
const REFUSED_NUMBER: Record<number, string> = {
  21211: "invalid number",
  21614: "not a mobile number",
  21610: "unsubscribed",
};

// Carrier errors in a delivery callback that will not change on another try (unknown or
// unreachable handset, landline, blocked by the recipient): suppress the number.
export const PERMANENT_DELIVERY_ERRORS = new Set(["30003", "30004", "30005", "30006"]);

type TwilioError = { code?: number; message?: string; more_info?: string };

export function twilioTransport(settings: TwilioSettings, baseUrl: string): Transport {
  const url = `${baseUrl.replace(/\/$/, "")}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString("base64")}`;
  return {
    async send(message) {
      if (message.channel !== "sms") throw new Error(`Twilio sends SMS, not ${message.channel}`);
      const form = new URLSearchParams({ To: message.to, Body: message.body });
      form.set(settings.from.startsWith("MG") ? "MessagingServiceSid" : "From", settings.from);
      if (message.statusCallback) form.set("StatusCallback", message.statusCallback);
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: {
            Authorization: authorization,
            "Content-Type": "application/x-www-form-urlencoded",
            Accept: "application/json",
          },
          body: form,
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        throw new ProviderError(`Twilio could not be reached: ${(error as Error).message}`, false, {
          cause: error,
        });
      }
      const json = (await response.json().catch(() => null)) as (TwilioError & { sid?: string }) | null;
      if (response.ok && json?.sid) return { providerMessageId: json.sid };
      const detail = json?.message ? `${json.message}${json.code ? ` (${json.code})` : ""}` : "no answer";
      const refused = json?.code ? REFUSED_NUMBER[json.code] : undefined;
      if (response.status === 400 && refused)
        throw new ProviderError(`Twilio refused ${message.to}: ${detail}`, true, { suppressAs: refused });
      throw httpProviderError("Twilio", response.status, detail);
    },
  };
}

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed with the auth token, of the full URL
 * followed by every POST parameter's name and value, sorted by name.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

export function validTwilioSignature(
  authToken: string,
  signature: string | null,
  url: string,
  params: Record<string, string>,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
