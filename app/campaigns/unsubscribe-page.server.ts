import type { PrismaClient } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { enqueue } from "~/jobs/producers.server";
import { logger } from "~/logger.server";
import { applyUnsubscribe, readUnsubscribeToken } from "./unsubscribe.server";

// The public unsubscribe page behind every email's link. GET only shows a button: mail
// scanners and link previews fetch links, and must not unsubscribe anyone. POST (the
// button, or the mail client's RFC 8058 one-click POST of "List-Unsubscribe=One-Click")
// unsubscribes. A token that does not verify gets a 400 page and changes nothing.

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

export function page(status: number, title: string, body: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#202223}button{font:inherit;padding:.6rem 1.2rem;border-radius:.5rem;border:1px solid #8c9196;background:#fff;cursor:pointer}</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Robots-Tag": "noindex",
    },
  });
}

const invalid = () =>
  page(
    400,
    "This link is not valid",
    "<p>The unsubscribe link is incomplete or was changed. Use the link from the email itself.</p>",
  );

export function unsubscribePage(request: Request): Response {
  const token = new URL(request.url).searchParams.get("token");
  const subject = readUnsubscribeToken(token);
  if (!subject) return invalid();
  return page(
    200,
    "Unsubscribe",
    `<p>Stop emails from ${escapeHtml(subject.shop)} to ${escapeHtml(subject.email)}?</p><form method="post"><button type="submit">Unsubscribe</button></form>`,
  );
}

export async function unsubscribeAction(db: PrismaClient, request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get("token");
  const subject = readUnsubscribeToken(token);
  if (!subject) return invalid();
  await applyUnsubscribe(db, subject);
  try {
    await enqueue(
      QUEUE.campaigns,
      "sync-email-consent",
      { shop: subject.shop, customerId: subject.customerId.toString() },
      { deduplication: { id: `sync-email-consent_${subject.shop}_${subject.customerId}` } },
    );
  } catch (err) {
    // The unsubscribe holds here already; Shopify hears of it from the next one or staff.
    logger().warn({ err, shop: subject.shop }, "Could not enqueue the unsubscribe's write-back to Shopify");
  }
  return page(
    200,
    "You are unsubscribed",
    `<p>${escapeHtml(subject.email)} will get no more emails from ${escapeHtml(subject.shop)}.</p>`,
  );
}
