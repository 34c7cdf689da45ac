// Simulated customers read the app's real messages: the email the app's campaigns delivered
// to the emulator's mail catcher (addressed to a customer by its envelope recipient) and the
// texts its Twilio stand-in accepted (by the number), each new one once. What a reader does with a message it opens is what an email client and a person
// do: load its images (the app's open pixel among them) and, when they click, follow its
// first link back to the app (never the unsubscribe link). Only the app's own URLs are
// fetched: a simulated customer never wanders off to the internet.

/** A delivered message as the simulation needs it. */
export interface ReceivedMessage {
  id: number;
  /** Email addresses, or the number a text went to. */
  to: string[];
  /** The email's subject, or an inbox message's title ("" for a text). */
  subject: string;
  html: string | null;
  /** Default email. */
  channel?: "email" | "sms" | "inbox";
  /** A text's or an inbox message's body. */
  text?: string;
}

/** Where the messages come from: the emulator's mailbox (`caught()`), mapped. */
export type MessageSource = () => ReceivedMessage[];

/** Hands out each message once, in arrival order. */
export class MailReader {
  private lastId = 0;
  constructor(private readonly source: MessageSource) {}

  next(): ReceivedMessage[] {
    const fresh = this.source().filter((m) => m.id > this.lastId);
    if (fresh.length > 0) this.lastId = fresh[fresh.length - 1]!.id;
    return fresh;
  }
}

export interface MessageLinks {
  /** Images an email client loads when the message is opened (the app's open pixel among them). */
  images: string[];
  /** The first link a reader who clicks follows, or null when the message has none to the app. */
  click: string | null;
}

const decodeEntities = (url: string) =>
  url
    .replace(/&amp;/g, "&")
    .replace(/&#x2F;/gi, "/")
    .replace(/&#47;/g, "/")
    .replace(/&quot;/g, '"');

/** The app's images and first non-unsubscribe link in a message's HTML. */
export function messageLinks(html: string | null, appOrigin: string): MessageLinks {
  if (!html) return { images: [], click: null };
  const own = (raw: string) => {
    const url = decodeEntities(raw.trim());
    try {
      return new URL(url).origin === appOrigin ? url : null;
    } catch {
      return null;
    }
  };
  const images: string[] = [];
  for (const m of html.matchAll(/<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']/gi)) {
    const url = own(m[1]!);
    if (url && !images.includes(url)) images.push(url);
  }
  let click: string | null = null;
  for (const m of html.matchAll(/<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']/gi)) {
    const url = own(m[1]!);
    if (url && !/unsubscribe/i.test(url)) {
      click = url;
      break;
    }
  }
  return { images, click };
}

/** The first link to the app in a plain-text message (a text's tracked link), or null. */
export function textLink(text: string | undefined, appOrigin: string): string | null {
  for (const m of (text ?? "").matchAll(/https?:\/\/[^\s<>"']+/g)) {
    try {
      if (new URL(m[0]).origin === appOrigin && !/unsubscribe/i.test(m[0])) return m[0];
    } catch {
      continue;
    }
  }
  return null;
}
