import { renderTemplate, type TemplateValues } from "./template";

// The widget inbox as plain rules: what a message in the inbox holds (the closed template
// engine's plain text, never HTML), how long it stays, and the shape the app proxy answers
// with (extensions/loyalty-widget/PROXY_CONTRACT.md).

/** A message leaves the inbox this long after it arrived. */
export const INBOX_TTL_DAYS = 30;
/** The inbox answer holds at most this many messages, newest first. */
export const INBOX_PAGE_SIZE = 20;

/**
 * A button's link: https, or a path on the store ("/collections/all"). Never another
 * scheme (javascript:, data:) and never a protocol-relative "//host".
 */
export function safeLink(url: string): boolean {
  if (url.startsWith("/")) return !/^\/[/\\]/.test(url) && !/[\s<>"]/.test(url);
  try {
    return new URL(url).protocol === "https:" && !/[\s<>"]/.test(url);
  } catch {
    return false;
  }
}

export type InboxContent = {
  title: string;
  body: string;
  ctaLabel: string | null;
  ctaUrl: string | null;
  expiresAt: Date;
};

// Control characters other than the line feed would only ever be noise in the widget.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/g;

/** Renders the inbox message; throws TemplateError for a template the engine refuses. */
export function inboxContent(
  template: { subject: string; body: string; ctaLabel: string | null; ctaUrl: string | null },
  values: TemplateValues,
  now: Date,
  locale = "en",
): InboxContent {
  const title = renderTemplate(template.subject, values, locale).replace(/\s+/g, " ").trim().slice(0, 200);
  const body = renderTemplate(template.body, values, locale)
    .replace(/\r\n?/g, "\n")
    .replace(CONTROL, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const link = template.ctaLabel && template.ctaUrl && safeLink(template.ctaUrl);
  return {
    title,
    body,
    ctaLabel: link ? template.ctaLabel : null,
    ctaUrl: link ? template.ctaUrl : null,
    expiresAt: new Date(now.getTime() + INBOX_TTL_DAYS * 86_400_000),
  };
}

type StoredMessage = {
  id: string;
  title: string;
  body: string;
  ctaLabel: string | null;
  ctaUrl: string | null;
  createdAt: Date;
  readAt: Date | null;
};

/** GET /apps/loyalty/inbox: the newest unexpired messages and how many are unread. */
export function presentInbox(messages: StoredMessage[], unread: number) {
  return {
    unread,
    messages: messages.map((m) => ({
      id: m.id,
      title: m.title,
      body: m.body,
      cta: m.ctaLabel && m.ctaUrl ? { label: m.ctaLabel, url: m.ctaUrl } : null,
      createdAt: m.createdAt.toISOString(),
      read: m.readAt !== null,
    })),
  };
}

export type InboxAnswer = ReturnType<typeof presentInbox>;
