import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http";
import type { CaughtMail, Mailbox } from "./mailbox";

// "Sent messages": what the app's email reached the emulator's mail catcher with, and the
// texts its Twilio stand-in accepted, as a merchant's customers would see them. GET /mail
// lists both (newest first, ?to= filters by recipient), GET /mail/<id> shows one email
// (headers, the HTML part in a sandboxed frame, the plain-text part), GET /mail/api/messages
// is the email list as JSON for scripts.

/** A text message as the SMS stand-in holds it. */
export type SentText = { to: string; from: string | null; body: string; status: string; dateCreated: string };

export const MAIL_PREFIX = "/mail";

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function page(res: ServerResponse, status: number, title: string, body: string) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · Sent messages (emulator)</title>
<style>
body{font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif;margin:0;background:#f1f1f1;color:#303030}
header{background:#1a1a1a;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:baseline}
header a{color:#fff}main{max-width:1100px;margin:24px auto;padding:0 16px}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 0 rgba(0,0,0,.07);padding:16px;margin-bottom:16px}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:8px;border-bottom:1px solid #ebebeb;vertical-align:top}
th{font-weight:600;color:#616161}a{color:#005bd3}.muted{color:#616161}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}dt{color:#616161}
iframe{width:100%;height:720px;border:1px solid #ebebeb;border-radius:8px;background:#fff}
pre{white-space:pre-wrap;font:13px/1.5 ui-monospace,Menlo,monospace;margin:0}
form{display:flex;gap:8px}input{padding:6px 8px;border:1px solid #8a8a8a;border-radius:8px;min-width:260px}
button{padding:6px 12px;border-radius:8px;border:0;background:#303030;color:#fff}
</style></head><body><header><strong>Sent messages</strong><span>the emulator's mail catcher</span>
<a href="${MAIL_PREFIX}">All messages</a></header><main>${body}</main></body></html>`;
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy":
      "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-src 'self'",
  });
  res.end(html);
}

const addresses = (value: unknown): string => {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.map((a: { text?: string }) => a.text ?? "").join(", ");
};

function summary(m: CaughtMail) {
  return {
    id: m.id,
    receivedAt: m.receivedAt.toISOString(),
    to: m.to,
    from: addresses(m.mail.from),
    subject: m.mail.subject ?? "",
    text: m.mail.text ?? "",
    html: typeof m.mail.html === "string" ? m.mail.html : null,
    // mailparser folds List-* headers into one structure: the raw line says what was sent.
    listUnsubscribe:
      m.mail.headerLines
        .find((h) => h.key === "list-unsubscribe")
        ?.line.replace(/^list-unsubscribe:\s*/i, "") ?? null,
  };
}

function textsCard(texts: SentText[], wanted: string): string {
  const shown = texts
    .filter((t) => !wanted || t.to.toLowerCase().includes(wanted))
    .slice()
    .reverse()
    .slice(0, 200);
  if (texts.length === 0) return "";
  const rows = shown
    .map(
      (t) => `<tr><td class="muted">${escape(t.dateCreated.replace("T", " ").slice(0, 19))} UTC</td>
<td>${escape(t.to)}</td><td>${escape(t.body)}</td><td class="muted">${escape(t.status)}</td></tr>`,
    )
    .join("");
  return `<div class="card"><h2 style="font-size:16px;margin:0 0 8px">Texts (SMS)</h2>
<p class="muted">${shown.length} shown of ${texts.length} accepted by the SMS stand-in (newest first).</p>
<table><thead><tr><th>Created</th><th>To</th><th>Text</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function listPage(res: ServerResponse, mailbox: Mailbox, to: string, texts: SentText[]) {
  const wanted = to.trim().toLowerCase();
  const shown = mailbox
    .caught()
    .filter((m) => !wanted || m.to.some((r) => r.toLowerCase().includes(wanted)))
    .reverse()
    .slice(0, 500);
  const rows = shown
    .map(
      (
        m,
      ) => `<tr><td class="muted">${escape(m.receivedAt.toISOString().replace("T", " ").slice(0, 19))} UTC</td>
<td>${escape(m.to.join(", "))}</td><td><a href="${MAIL_PREFIX}/${m.id}">${escape(m.mail.subject || "(no subject)")}</a></td>
<td class="muted">${escape(addresses(m.mail.from))}</td></tr>`,
    )
    .join("");
  const total = mailbox.caught().length;
  page(
    res,
    200,
    "All messages",
    `<div class="card"><form method="get" action="${MAIL_PREFIX}"><label for="to">Recipient</label>
<input id="to" name="to" value="${escape(to)}" placeholder="ana@example.com"><button>Filter</button></form></div>
<div class="card"><p class="muted">${shown.length} shown of ${total} received (newest first; the catcher keeps the latest ${"2,000"}).</p>
${
  rows
    ? `<table><thead><tr><th>Received</th><th>To</th><th>Subject</th><th>From</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p>No messages yet. The app's campaigns send here when their email server is this catcher.</p>`
}</div>${textsCard(texts, wanted)}`,
  );
}

function messagePage(res: ServerResponse, m: CaughtMail) {
  const s = summary(m);
  // The message's own HTML, framed without scripts; links open outside the frame.
  const framed = s.html ? `<base target="_blank">${s.html}` : null;
  page(
    res,
    200,
    s.subject || "(no subject)",
    `<div class="card"><h1 style="font-size:20px;margin:0 0 12px">${escape(s.subject || "(no subject)")}</h1><dl>
<dt>From</dt><dd>${escape(s.from)}</dd><dt>To</dt><dd>${escape(s.to.join(", "))}</dd>
<dt>Received</dt><dd>${escape(s.receivedAt)}</dd>
<dt>List-Unsubscribe</dt><dd>${escape(s.listUnsubscribe ?? "—")}</dd></dl></div>
${framed ? `<div class="card"><h2 style="font-size:16px;margin:0 0 8px">HTML</h2><iframe title="The message as HTML" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${escape(framed)}"></iframe></div>` : ""}
<div class="card"><h2 style="font-size:16px;margin:0 0 8px">Plain text</h2><pre>${escape(s.text || "(no plain-text part)")}</pre></div>`,
  );
}

/** Serves /mail, /mail/<id> and /mail/api/messages; false when the path is not one of them. */
export function handleMail(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  mailbox: Mailbox | null,
  texts: () => SentText[] = () => [],
): boolean {
  const path = url.pathname;
  if (path !== MAIL_PREFIX && !path.startsWith(`${MAIL_PREFIX}/`)) return false;
  if (req.method !== "GET") {
    sendJson(res, 405, { errors: "Method Not Allowed" }, { Allow: "GET" });
    return true;
  }
  if (!mailbox) {
    page(
      res,
      404,
      "No mail catcher",
      `<div class="card"><p>This emulator runs without a mail catcher.</p></div>`,
    );
    return true;
  }
  const rest = path.slice(MAIL_PREFIX.length).replace(/^\/+|\/+$/g, "");
  const to = url.searchParams.get("to") ?? "";
  if (rest === "") {
    listPage(res, mailbox, to, texts());
    return true;
  }
  if (rest === "api/messages") {
    const wanted = to.trim().toLowerCase();
    sendJson(res, 200, {
      messages: mailbox
        .caught()
        .filter((m) => !wanted || m.to.some((r) => r.toLowerCase() === wanted))
        .map(summary),
    });
    return true;
  }
  const id = /^\d{1,12}$/.test(rest) ? Number(rest) : NaN;
  const found = Number.isFinite(id) ? mailbox.find(id) : undefined;
  if (!found) {
    page(
      res,
      404,
      "Not found",
      `<div class="card"><p>No message ${escape(rest)} (older messages are dropped).</p></div>`,
    );
    return true;
  }
  messagePage(res, found);
  return true;
}
