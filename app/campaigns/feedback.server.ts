import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";
import { BODY_LIMITS, PayloadTooLarge, readText } from "~/request-body.server";
import { PROVIDER_CHANNELS } from "./definition";
import { e164 } from "./sms";

// Bounces and complaints, whoever reports them: the SMTP server's 5xx at RCPT and Twilio's
// refusals (deliver.server.ts), Twilio's delivery callbacks (sms-webhooks.server.ts), and
// any provider or tool that can POST JSON to the shop's feedback URL
// (/campaigns/feedback/<token>, the token an HMAC of the shop under the app secret, shown in
// the sending settings). A bounce suppresses the address; a complaint (marked as spam)
// suppresses it and clears the mirrored marketing consent, as an unsubscribe does.

type Db = Pick<PrismaClient, "$transaction">;

export type Feedback = {
  channel: (typeof PROVIDER_CHANNELS)[number];
  address: string;
  kind: "bounce" | "complaint";
  detail?: string;
};

export async function recordFeedback(db: Db, shop: string, feedback: Feedback): Promise<void> {
  const address = feedback.channel === "email" ? feedback.address.trim().toLowerCase() : feedback.address;
  const reason = feedback.kind === "bounce" ? "bounced" : "complained";
  await db.$transaction(async (tx) => {
    await tx.campaignSuppression.upsert({
      where: { shop_channel_address: { shop, channel: feedback.channel, address } },
      create: { shop, channel: feedback.channel, address, reason },
      update: feedback.kind === "complaint" ? { reason } : {},
    });
    if (feedback.kind !== "complaint") return;
    if (feedback.channel === "email")
      await tx.customer.updateMany({
        where: { shop, email: { equals: address, mode: "insensitive" } },
        data: { emailConsent: false, emailConsentAt: new Date() },
      });
    else
      await tx.customer.updateMany({
        where: { shop, phone: address },
        data: { smsConsent: false, smsConsentAt: new Date() },
      });
  });
}

/** The secret part of a shop's feedback URL. */
export function feedbackToken(shop: string, secret = env().SHOPIFY_API_SECRET): string {
  const mac = createHmac("sha256", secret).update(`campaign-feedback:v1:${shop}`).digest("base64url");
  return `${Buffer.from(shop).toString("base64url")}.${mac}`;
}

export function feedbackUrl(shop: string, appUrl = env().SHOPIFY_APP_URL): string {
  return `${appUrl.replace(/\/$/, "")}/campaigns/feedback/${feedbackToken(shop)}`;
}

function shopOfToken(token: string, secret: string): string | null {
  const shop = Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8");
  if (!shop) return null;
  const expected = Buffer.from(feedbackToken(shop, secret));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given) ? shop : null;
}

const report = z.object({
  type: z.enum(["bounce", "complaint"], { error: "bounce or complaint." }),
  channel: z.enum(PROVIDER_CHANNELS).default("email"),
  address: z.string().trim().min(3).max(320),
  detail: z.string().max(500).optional(),
});
const body = z.union([report, z.array(report).min(1).max(500)]);

/** POST /campaigns/feedback/<token>: one report or a list; 401 for a bad token, 422 for a bad report. */
export async function receiveFeedback(db: Db, request: Request, token: string): Promise<Response> {
  const shop = shopOfToken(token, env().SHOPIFY_API_SECRET);
  if (!shop) return Response.json({ message: "Unknown feedback URL." }, { status: 401 });
  let text: string;
  try {
    text = await readText(request, BODY_LIMITS.campaignFeedback);
  } catch (error) {
    if (error instanceof PayloadTooLarge) return Response.json({ message: error.message }, { status: 413 });
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return Response.json({ message: "The body must be JSON." }, { status: 400 });
  }
  const parsed = body.safeParse(json);
  if (!parsed.success)
    return Response.json(
      { message: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") },
      { status: 422 },
    );
  const reports = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  const feedback: Feedback[] = [];
  for (const [index, r] of reports.entries()) {
    const address = r.channel === "sms" ? e164(r.address) : z.email().safeParse(r.address.toLowerCase()).data;
    if (!address)
      return Response.json(
        { message: `${index}.address: not a valid ${r.channel} address.` },
        { status: 422 },
      );
    feedback.push({ channel: r.channel, address, kind: r.type, detail: r.detail });
  }
  for (const f of feedback) await recordFeedback(db, shop, f);
  return Response.json({ recorded: feedback.length });
}
