import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";

// Each shop's import secret: what its review or email tool signs requests with
// (X-Loyalty-Signature: sha256=<hex HMAC-SHA256 of the raw body>). Verifying an HMAC needs
// the secret itself, so it is stored encrypted (AES-256-GCM, a key derived from the app's
// client secret with HKDF), shown once when created or rotated, and never logged. ADR
// 0029-reviews-import-endpoint.

export const SIGNATURE_HEADER = "X-Loyalty-Signature";
export const SHOP_HEADER = "X-Loyalty-Shop";
const PREFIX = "lsk_";

type Db = Pick<PrismaClient, "importSecret">;

/** What a sealed secret is for: each purpose has its own key, so one secret never opens as another. */
export type SecretPurpose =
  "import-secret:v1" | "smtp-password:v1" | "klaviyo-api-key:v1" | "twilio-auth-token:v1";

function key(appSecret: string, purpose: SecretPurpose): Buffer {
  return Buffer.from(hkdfSync("sha256", appSecret, "loyalty-optimizer", purpose, 32));
}

export function sealSecret(
  secret: string,
  appSecret = env().SHOPIFY_API_SECRET,
  purpose: SecretPurpose = "import-secret:v1",
): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(appSecret, purpose), iv);
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [
    "v1",
    iv.toString("base64"),
    cipher.getAuthTag().toString("base64"),
    sealed.toString("base64"),
  ].join(".");
}

export function openSecret(
  ciphertext: string,
  appSecret = env().SHOPIFY_API_SECRET,
  purpose: SecretPurpose = "import-secret:v1",
): string | null {
  const [version, iv, tag, sealed] = ciphertext.split(".");
  if (version !== "v1" || !iv || !tag || !sealed) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(appSecret, purpose), Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(sealed, "base64")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

export const fingerprintOf = (secret: string) =>
  createHash("sha256").update(secret).digest("hex").slice(0, 8);

/** A new secret for the shop, replacing any before it; the only time its text leaves the server. */
export async function rotateImportSecret(db: Db, shop: string, now = new Date()) {
  const secret = PREFIX + randomBytes(32).toString("base64url");
  const data = { ciphertext: sealSecret(secret), fingerprint: fingerprintOf(secret), createdAt: now };
  await db.importSecret.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { secret, fingerprint: data.fingerprint, createdAt: now };
}

/** What the admin may show: whether there is a secret, its fingerprint and age. */
export async function importSecretStatus(db: Db, shop: string) {
  const row = await db.importSecret.findUnique({
    where: { shop },
    select: { fingerprint: true, createdAt: true },
  });
  return row ? { fingerprint: row.fingerprint, createdAt: row.createdAt.toISOString() } : null;
}

export function signBody(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Whether the header signs the body with the shop's secret (constant time); false for no secret. */
export async function verifySignature(db: Db, shop: string, body: Uint8Array, header: string | null) {
  if (!header) return false;
  const row = await db.importSecret.findUnique({ where: { shop }, select: { ciphertext: true } });
  const secret = row ? openSecret(row.ciphertext) : null;
  if (!secret) return false;
  const given = Buffer.from(header.trim().replace(/^sha256=/i, ""), "hex");
  const expected = createHmac("sha256", secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
