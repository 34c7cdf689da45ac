import mjml2html from "mjml";
import { replaceLinks } from "./measure/links";
import { renderTemplate, type TemplateValues } from "./template";

// A campaign's email as the member receives it: the subject and body templates rendered
// with the member's values, a responsive HTML part made with MJML (paragraphs from the
// body's blank lines, every value escaped) and the plain-text part, both ending with the
// unsubscribe link. URLs in the body become links; with tracking, each goes through the
// signed click redirect and the HTML carries the open pixel (app/campaigns/measure).

export type EmailContent = { subject: string; html: string; text: string };

/** How a measured message's links and opens are tracked (tracking.server.ts makes these). */
export type Tracking = { pixelUrl: string; clickUrl: (url: string) => string };

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

const paragraphs = (body: string) =>
  body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);

/** A paragraph as HTML: text escaped, each URL a link (to its tracked redirect when tracked). */
function paragraphHtml(p: string, tracking: Tracking | null): string {
  const links: string[] = [];
  const marked = replaceLinks(p, (url) => {
    const href = tracking ? tracking.clickUrl(url) : url;
    links.push(`<a href="${escapeHtml(href)}" style="color:#2c6ecb">${escapeHtml(url)}</a>`);
    return `\uE000${links.length - 1}\uE000`;
  });
  return escapeHtml(marked)
    .replace(/\uE000(\d+)\uE000/g, (_, i: string) => links[Number(i)]!)
    .replace(/\n/g, "<br />");
}

function mjmlDocument(
  subject: string,
  body: string,
  shopName: string,
  unsubscribeUrl: string,
  tracking: Tracking | null,
): string {
  const blocks = paragraphs(body)
    .map(
      (p) =>
        `<mj-text font-size="16px" line-height="24px" color="#202223">${paragraphHtml(p, tracking)}</mj-text>`,
    )
    .join("\n");
  const pixel = tracking
    ? `<mj-raw><img src="${escapeHtml(tracking.pixelUrl)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px" /></mj-raw>`
    : "";
  return `<mjml>
  <mj-head>
    <mj-title>${escapeHtml(subject)}</mj-title>
    <mj-attributes><mj-all font-family="-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" /></mj-attributes>
  </mj-head>
  <mj-body background-color="#f6f6f7">
    <mj-section background-color="#ffffff" padding="24px 16px">
      <mj-column>
        <mj-text font-size="14px" color="#6d7175">${escapeHtml(shopName)}</mj-text>
        ${blocks}
      </mj-column>
    </mj-section>
    <mj-section padding="12px 16px">
      <mj-column>
        <mj-text font-size="12px" color="#6d7175" align="center">You receive this as a member of ${escapeHtml(shopName)} Rewards. <a href="${escapeHtml(unsubscribeUrl)}" style="color:#6d7175">Unsubscribe</a></mj-text>
        ${pixel}
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

/** Renders the message; throws TemplateError for an unknown variable (nothing is sent). */
export async function emailContent(
  template: { subject: string; body: string },
  values: TemplateValues,
  unsubscribeUrl: string,
  locale = "en",
  tracking: Tracking | null = null,
): Promise<EmailContent> {
  const subject = renderTemplate(template.subject, values, locale).replace(/\s+/g, " ").trim();
  const body = renderTemplate(template.body, values, locale);
  const result = await mjml2html(mjmlDocument(subject, body, values.shopName, unsubscribeUrl, tracking), {
    validationLevel: "strict",
  });
  const plain = tracking ? replaceLinks(body, tracking.clickUrl) : body;
  const text = `${paragraphs(plain).join("\n\n")}\n\n--\nUnsubscribe: ${unsubscribeUrl}\n`;
  return { subject, html: result.html, text };
}
