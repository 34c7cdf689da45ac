import { createHash } from "node:crypto";
import { UNSTORABLE_CHARS } from "~/db/storable-text";

// Checks on a verified webhook body before it goes into the inbox's jsonb column. A body
// PostgreSQL can never store (too deep, \u0000, an unpaired surrogate) must not be
// answered with a 5xx, or Shopify retries it for days: it is recorded as failed instead,
// with a reason and a payload that can be stored (docs/decisions/0014-poison-webhooks.md).

/** Shopify's deepest payloads (order → line → tax line → price set → money) nest about 7 levels. */
export const MAX_PAYLOAD_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * True when the JSON text nests arrays and objects deeper than `max`, read from the raw
 * bytes without parsing (so a 200,000-deep body costs one pass, not a parser's stack).
 * Brackets inside strings do not count; multi-byte UTF-8 never contains these ASCII bytes.
 * Plain comparisons keep it near a nanosecond a byte: it runs on every delivery.
 */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) depth--;
  }
  return false;
}

// Only escapes can put NUL or a lone surrogate into parsed JSON: raw control characters
// are invalid JSON, and decoded UTF-8 is always well formed.
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

export type StorableBody = { rawJson: string; problem: string | null };

/**
 * The body as the inbox stores it. Text holding \u0000 or an unpaired surrogate (jsonb
 * rejects both) comes back re-serialised with U+FFFD in their place and a problem saying
 * so; anything else comes back as received, byte for byte.
 */
export function storableBody(rawJson: string, parsed: unknown): StorableBody {
  if (!SUSPECT_ESCAPE.test(rawJson)) return { rawJson, problem: null };
  let replaced = 0;
  const clean = (text: string) =>
    text.replace(UNSTORABLE_CHARS, () => {
      replaced++;
      return "\uFFFD";
    });
  const sanitized = JSON.stringify(parsed, function (this: unknown, _key, value: unknown) {
    if (typeof value === "string") return clean(value);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), v]));
  });
  if (replaced === 0) return { rawJson, problem: null };
  return {
    rawJson: sanitized,
    problem: `the body holds ${replaced} \\u0000 or unpaired surrogate character(s), which PostgreSQL cannot store; stored with U+FFFD in their place`,
  };
}

/** What the inbox stores for a body it cannot keep at all: enough to find and compare it. */
export function placeholderBody(rawBody: Uint8Array, reason: string): string {
  return JSON.stringify({
    unstorable: true,
    reason,
    bytes: rawBody.length,
    sha256: createHash("sha256").update(rawBody).digest("hex"),
  });
}

/**
 * Shopify signs the body only, so the shop header of a signed body can be swapped. Where
 * a topic's payload names its shop (the privacy topics' `shop_domain`, app/uninstalled's
 * `myshopify_domain`), it must be the header's shop. Null when they agree or the payload
 * names none.
 */
export function payloadShopMismatch(payload: Record<string, unknown>, shop: string): string | null {
  for (const field of ["shop_domain", "myshopify_domain"]) {
    const named = payload[field];
    if (named === undefined || named === null) continue;
    if (typeof named !== "string" || named.trim().toLowerCase() !== shop)
      return `the payload's ${field} is not the shop in X-Shopify-Shop-Domain`;
  }
  return null;
}
