import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";

// The one-click unsubscribe link of every email (RFC 8058): a token naming the shop, the
// customer and the address, signed with a key derived from the app's secret, so nobody can
// unsubscribe anyone else. Following it (POST) suppresses the address for the shop, clears
// the mirrored consent, and asks the worker to write the unsubscribe back to Shopify.

type Db = Pick<PrismaClient, "$transaction">;

export type UnsubscribeSubject = { shop: string; customerId: bigint; email: string };

const key = (appSecret: string) =>
  Buffer.from(hkdfSync("sha256", appSecret, "loyalty-optimizer", "campaign-unsubscribe:v1", 32));

const sign = (payload: string, appSecret: string) =>
  createHmac("sha256", key(appSecret)).update(payload).digest("base64url");

export function unsubscribeToken(subject: UnsubscribeSubject, appSecret = env().SHOPIFY_API_SECRET): string {
  const payload = Buffer.from(
    JSON.stringify([subject.shop, subject.customerId.toString(), subject.email.toLowerCase()]),
  ).toString("base64url");
  return `${payload}.${sign(payload, appSecret)}`;
}

/** The subject of a token this app signed, or null for anything else. */
export function readUnsubscribeToken(
  token: string | null,
  appSecret = env().SHOPIFY_API_SECRET,
): UnsubscribeSubject | null {
  const [payload, signature, extra] = (token ?? "").split(".");
  if (!payload || !signature || extra !== undefined) return null;
  const given = Buffer.from(signature, "base64url");
  const expected = Buffer.from(sign(payload, appSecret), "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [shop, customerId, email] = JSON.parse(
      Buffer.from(payload, "base64url").toString("utf8"),
    ) as unknown[];
    if (typeof shop !== "string" || typeof customerId !== "string" || typeof email !== "string") return null;
    if (!/^\d+$/.test(customerId)) return null;
    return { shop, customerId: BigInt(customerId), email };
  } catch {
    return null;
  }
}

export function unsubscribeUrl(subject: UnsubscribeSubject, appUrl = env().SHOPIFY_APP_URL): string {
  return `${appUrl.replace(/\/$/, "")}/unsubscribe?token=${unsubscribeToken(subject)}`;
}

/**
 * Suppresses the address and clears the customer's mirrored email consent, in one
 * transaction; idempotent. The caller enqueues the write-back to Shopify after it.
 */
export async function applyUnsubscribe(db: Db, subject: UnsubscribeSubject): Promise<void> {
  const { shop, customerId, email } = subject;
  await db.$transaction(async (tx) => {
    await tx.campaignSuppression.upsert({
      where: { shop_channel_address: { shop, channel: "email", address: email.toLowerCase() } },
      create: { shop, channel: "email", address: email.toLowerCase(), reason: "unsubscribed" },
      update: {},
    });
    await tx.customer.updateMany({
      where: { shop, id: customerId },
      data: { emailConsent: false, emailConsentAt: new Date() },
    });
  });
}
