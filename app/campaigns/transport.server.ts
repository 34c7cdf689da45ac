import nodemailer from "nodemailer";
import type { SmtpSettings } from "./campaigns.server";
import type { EmailContent } from "./content";

// Messages leave through a transport per channel and provider (providers.server.ts picks
// one): email through SMTP with nodemailer (here) or a Klaviyo event (klaviyo.server.ts),
// SMS through Twilio (twilio.server.ts). Each validates what it is handed and answers the
// provider's message id, or throws a ProviderError saying whether to retry or suppress.

export type OutgoingEmail = EmailContent & {
  to: string;
  /** The send's id: the Message-ID is derived from it, so a receiving system can tell a copy. */
  sendId: string;
  unsubscribeUrl: string;
};

export type OutgoingSms = {
  to: string;
  sendId: string;
  body: string;
  /** Where the provider reports delivery (signed like the inbound webhook); null for tests. */
  statusCallback: string | null;
};

export type OutgoingMessage =
  | ({ channel: "email"; campaignName: string } & OutgoingEmail)
  | ({ channel: "sms"; campaignName: string } & OutgoingSms);

export type Transport = {
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
};

export type EmailTransport = {
  send(email: OutgoingEmail): Promise<{ providerMessageId: string }>;
};

/**
 * A provider error. `permanent`: the address itself is refused (an SMTP 5xx answer to the
 * recipient, an invalid or opted-out number): the send fails at once and the address is
 * suppressed (as `suppressAs`, default "bounced"). Otherwise `retryable` (the default: a
 * timeout, 429, 5xx) is retried with backoff, and a refusal that no retry will change (bad
 * credentials, a request the provider rejects) fails the send without suppressing anyone.
 */
export class ProviderError extends Error {
  override name = "ProviderError";
  readonly retryable: boolean;
  readonly suppressAs: string;
  constructor(
    message: string,
    readonly permanent: boolean,
    options: ErrorOptions & { retryable?: boolean; suppressAs?: string } = {},
  ) {
    super(message, options);
    this.retryable = !permanent && (options.retryable ?? true);
    this.suppressAs = options.suppressAs ?? "bounced";
  }
}

/** An email transport as a channel transport (it refuses anything but email). */
export function emailOnly(transport: EmailTransport): Transport {
  return {
    send(message) {
      if (message.channel !== "email") throw new Error(`An email transport cannot send ${message.channel}`);
      const { channel: _channel, campaignName: _name, ...email } = message;
      return transport.send(email);
    },
  };
}

/** The answer of an HTTP provider as a ProviderError: 429 and 5xx retry, other refusals do not. */
export function httpProviderError(provider: string, status: number, detail: string): ProviderError {
  const message = `${provider} answered ${status}: ${detail}`;
  return new ProviderError(message, false, { retryable: status === 429 || status >= 500 });
}

export function smtpTransport(settings: SmtpSettings): EmailTransport {
  const transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? "" } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    logger: false,
  });
  const messageDomain = settings.from.address.split("@")[1] ?? "localhost";
  return {
    async send(email) {
      try {
        const info = await transporter.sendMail({
          from: settings.from.name
            ? { name: settings.from.name, address: settings.from.address }
            : settings.from.address,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: `<${email.sendId}@${messageDomain}>`,
          headers: {
            "List-Unsubscribe": `<${email.unsubscribeUrl}>`,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
          },
        });
        if (info.rejected.length) throw new ProviderError(`The SMTP server rejected ${email.to}`, true);
        return { providerMessageId: info.messageId };
      } catch (error) {
        if (error instanceof ProviderError) throw error;
        const { responseCode, command } = error as { responseCode?: number; command?: string };
        const message = error instanceof Error ? error.message : String(error);
        // Only a 5xx answer to the recipient is a bounce; a refused login or message is retried.
        const bounced =
          typeof responseCode === "number" && responseCode >= 500 && /RCPT/i.test(command ?? "");
        throw new ProviderError(message, bounced, { cause: error });
      } finally {
        transporter.close();
      }
    },
  };
}
