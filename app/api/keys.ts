// API keys, the parts without a database (ADR 0036-product-recs-api-keys): the key's shape,
// the scopes a key can hold, and reading the Authorization header. A key is
// `lo_` + 40 base62 characters (≈ 238 bits); the app keeps its sha256 and its first
// characters (`lo_` + 8) to show the merchant which key is which.

export const KEY_PREFIX = "lo_";
export const SECRET_LENGTH = 40;
export const DISPLAY_LENGTH = KEY_PREFIX.length + 8;

export const SCOPES = ["recommendations:read"] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_LABELS: Record<Scope, string> = {
  "recommendations:read": "Read member recommendations",
};

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_SHAPE = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${SECRET_LENGTH}}$`);

/** A key from random bytes (one byte per character, rejection-sampled so each is uniform). */
export function keyFromBytes(bytes: Uint8Array): string | null {
  let out = KEY_PREFIX;
  for (const b of bytes) {
    if (b >= 248) continue; // 248 = 4 × 62: keep the draw uniform
    out += BASE62[b % 62];
    if (out.length === KEY_PREFIX.length + SECRET_LENGTH) return out;
  }
  return null;
}

export const displayPrefix = (key: string) => key.slice(0, DISPLAY_LENGTH);

export const isKeyShaped = (key: string) => KEY_SHAPE.test(key);

/** The key in `Authorization: Bearer <key>`, or null when the header is missing or malformed. */
export function bearerKey(header: string | null): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  return match && isKeyShaped(match[1]!) ? match[1]! : null;
}
