import { createHmac, timingSafeEqual } from "node:crypto";

// Shopify signs each webhook with base64(HMAC-SHA256(raw body, app secret)) in
// X-Shopify-Hmac-Sha256. The raw bytes matter: re-serialised JSON would not match.

export function webhookHmac(secret: string, rawBody: Uint8Array | string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

/** Constant-time comparison of the header against the expected signature. */
export function isValidWebhookHmac(secret: string, rawBody: Uint8Array | string, header: string): boolean {
  const expected = Buffer.from(webhookHmac(secret, rawBody), "base64");
  const given = Buffer.from(header.trim(), "base64");
  // Length differs for garbage input; timingSafeEqual would throw, and the length of a
  // SHA-256 digest is public anyway.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
