import type { PrismaClient } from "~/db.server";
import type { InboxAnswer } from "~/campaigns/inbox";
import { redis } from "~/redis.server";
import { proxyInbox } from "~/storefront/proxy.server";
import { signedProxyQuery } from "~/storefront/proxy-signature";
import type { CaughtMail } from "../emulator/mail/mailbox";
import type { TwilioMessage } from "../emulator/twilio/handler";
import { followTrackedLink, readMessage, SIMULATED_READER, trackedLinksInText } from "./read-message.server";
import type { MessageChannel } from "./scenario/schema";

// What simulated customers received from a campaign, read where the app put it — never from
// the app's own rows: the mail catcher's messages (by envelope recipient; the variant from the
// subject), the texts the emulator's Twilio stand-in accepted (by the number texted; the
// variant from the body) and each member's widget inbox, fetched through the app proxy route
// as the storefront widget does (the variant from the title). Each received message knows how
// its reader acts on it through the app: an email's pixel and link (`readMessage`), a text's
// tracked link through the click redirect, an inbox message marked read through the proxy
// (the app records that read as the message's open).

export interface ReceivedMessage {
  variant: string;
  channel: MessageChannel;
  /** The reader reads it at `at` (and follows its link when `clicked`) through the app. */
  read(db: PrismaClient, at: Date, clicked: boolean): Promise<void>;
}

/** A message template's variant by what a reader sees: `{variable}`s and links match anything. */
export function templateMatcher(
  variants: ReadonlyArray<{ key: string; text: string }>,
  options: { wholeText: boolean } = { wholeText: true },
) {
  const patterns = variants.map((v) => ({
    key: v.key,
    re: new RegExp(
      `^${v.text
        .trim()
        .split(/\{[a-zA-Z]+\}|https?:\/\/\S+/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}${options.wholeText ? "$" : ""}`,
      "s",
    ),
  }));
  return (text: string): string | null => {
    const hits = patterns.filter((p) => p.re.test(text.trim()));
    return hits.length === 1 ? hits[0]!.key : null;
  };
}

/** The emails in the catcher, by member id. */
export function receivedMail(
  caught: CaughtMail[],
  memberOfEmail: (email: string) => string | undefined,
  variants: ReadonlyArray<{ key: string; subject: string }>,
) {
  const variantOf = templateMatcher(variants.map((v) => ({ key: v.key, text: v.subject })));
  const received = new Map<string, ReceivedMessage>();
  let unmatched = 0;
  for (const mail of caught) {
    const member = mail.to.map((to) => memberOfEmail(to.toLowerCase())).find(Boolean);
    const variant = variantOf(mail.mail.subject ?? "");
    const html = mail.mail.html;
    if (!member || !variant || typeof html !== "string") {
      unmatched++;
      continue;
    }
    received.set(member, {
      variant,
      channel: "email",
      read: async (db, at, clicked) => void (await readMessage(db, { html, opened: true, clicked, at })),
    });
  }
  return { received, unmatched };
}

/** The texts the Twilio stand-in accepted, by member id (the opt-out line after the body). */
export function receivedTexts(
  texts: TwilioMessage[],
  memberOfPhone: (phone: string) => string | undefined,
  variants: ReadonlyArray<{ key: string; body: string }>,
) {
  const variantOf = templateMatcher(
    variants.map((v) => ({ key: v.key, text: v.body })),
    { wholeText: false },
  );
  const received = new Map<string, ReceivedMessage>();
  let unmatched = 0;
  for (const text of texts) {
    const member = memberOfPhone(text.to);
    const variant = variantOf(text.body);
    if (!member || !variant) {
      unmatched++;
      continue;
    }
    const link = trackedLinksInText(text.body)[0];
    received.set(member, {
      variant,
      channel: "sms",
      // A text has no pixel: only its click reaches the app (a reader taps a minute later).
      read: async (db, at, clicked) => {
        if (clicked && link) await followTrackedLink(db, link, new Date(at.getTime() + 60_000));
      },
    });
  }
  return { received, unmatched };
}

/** One member's widget inbox request through the app proxy route, on the simulation's clock. */
export function inboxRequest(
  db: PrismaClient,
  input: { shop: string; customerId: string; secret: string; at: Date; read?: string },
) {
  const query = signedProxyQuery({
    shop: input.shop,
    customerId: input.customerId,
    secret: input.secret,
    timestamp: Math.trunc(input.at.getTime() / 1000),
  });
  const headers = {
    "user-agent": SIMULATED_READER.userAgent,
    "x-forwarded-for": SIMULATED_READER.ip,
    ...(input.read ? { "content-type": "application/json" } : {}),
  };
  const request = new Request(`https://app.sim.example/proxy/inbox?${query}`, {
    method: input.read ? "POST" : "GET",
    headers,
    body: input.read ? JSON.stringify({ read: input.read }) : undefined,
  });
  return proxyInbox(request, {
    db,
    redis: redis(),
    // The app checks the signature itself, against this clock (ADR 0063); the inbox calls no
    // Admin API, so the library's authentication is never asked for.
    appProxy: () => Promise.reject(new Error("the headless inbox calls no Admin API")),
    secret: input.secret,
    now: () => input.at,
  });
}

/** Every member's widget inbox at `at`, by member id: the newest message a variant's title names. */
export async function receivedInbox(
  db: PrismaClient,
  input: { shop: string; secret: string; at: Date; memberIds: string[] },
  variants: ReadonlyArray<{ key: string; subject: string }>,
) {
  const variantOf = templateMatcher(variants.map((v) => ({ key: v.key, text: v.subject })));
  const received = new Map<string, ReceivedMessage>();
  let unmatched = 0;
  let next = 0;
  const fetchOne = async (customerId: string) => {
    const answer = await inboxRequest(db, { ...input, customerId });
    if (answer.status !== 200) throw new Error(`inbox ${answer.status}: ${await answer.text()}`);
    const inbox = (await answer.json()) as InboxAnswer;
    for (const message of inbox.messages) {
      const variant = variantOf(message.title);
      if (!variant || received.has(customerId)) {
        unmatched++;
        continue;
      }
      received.set(customerId, {
        variant,
        channel: "inbox",
        read: async (db, at) => {
          const marked = await inboxRequest(db, { ...input, customerId, at, read: message.id });
          if (marked.status !== 200) throw new Error(`inbox read ${marked.status}: ${await marked.text()}`);
        },
      });
    }
  };
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < input.memberIds.length) await fetchOne(input.memberIds[next++]!);
    }),
  );
  return { received, unmatched };
}
