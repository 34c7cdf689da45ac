import { httpProviderError, ProviderError, type Transport } from "./transport.server";

// Klaviyo as a provider: the app does not send the message itself. It creates an event
// (POST /api/events, JSON:API, `Authorization: Klaviyo-API-Key …`, a pinned `revision`) on
// the member's profile, carrying the rendered message as properties; a flow the merchant
// builds in Klaviyo, triggered by the metric below, sends it (README: "Klaviyo"). The send's
// id is the event's unique_id, so a retried request never makes two events.

export const KLAVIYO_REVISION = "2025-01-15";
export const KLAVIYO_METRIC = "Loyalty Optimizer message";

export function klaviyoTransport(
  settings: { apiKey: string },
  baseUrl: string,
  now = () => new Date(),
): Transport {
  const url = `${baseUrl.replace(/\/$/, "")}/api/events`;
  return {
    async send(message) {
      const profile = message.channel === "email" ? { email: message.to } : { phone_number: message.to };
      const properties =
        message.channel === "email"
          ? {
              channel: "email",
              campaign: message.campaignName,
              subject: message.subject,
              html: message.html,
              text: message.text,
              unsubscribe_url: message.unsubscribeUrl,
            }
          : { channel: "sms", campaign: message.campaignName, body: message.body };
      const body = {
        data: {
          type: "event",
          attributes: {
            properties,
            metric: { data: { type: "metric", attributes: { name: KLAVIYO_METRIC } } },
            profile: { data: { type: "profile", attributes: profile } },
            time: now().toISOString(),
            unique_id: message.sendId,
          },
        },
      };
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: {
            Authorization: `Klaviyo-API-Key ${settings.apiKey}`,
            revision: KLAVIYO_REVISION,
            "Content-Type": "application/vnd.api+json",
            Accept: "application/vnd.api+json",
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
      } catch (error) {
        throw new ProviderError(`Klaviyo could not be reached: ${(error as Error).message}`, false, {
          cause: error,
        });
      }
      if (response.status === 202 || response.ok)
        return { providerMessageId: `klaviyo-event:${message.sendId}` };
      const json = (await response.json().catch(() => null)) as {
        errors?: Array<{ detail?: string; title?: string }>;
      } | null;
      const detail = json?.errors?.map((e) => e.detail ?? e.title).join("; ") || "no detail";
      throw httpProviderError("Klaviyo", response.status, detail);
    },
  };
}
