import { createHmac, timingSafeEqual } from "node:crypto";

// HS256 JWTs keyed by the app secret: the session tokens Shopify admin hands an embedded
// app, which the app then trades for access tokens. Same 10 s clock tolerance as
// @shopify/shopify-api's decodeSessionToken.

export const CLOCK_TOLERANCE_SECONDS = 10;

export type JwtClaims = Record<string, unknown>;
export type JwtVerification = { ok: true; claims: JwtClaims } | { ok: false; reason: string };

export function signJwt(claims: JwtClaims, secret: string): string {
  const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${header}.${payload}.${hmac(`${header}.${payload}`, secret)}`;
}

export function verifyJwt(token: string, secret: string, nowMs: number): JwtVerification {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "is not a JWT" };
  const [header, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(hmac(`${header}.${payload}`, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: "signature verification failed" };
  }
  const head = parseSegment(header);
  if (head?.alg !== "HS256") return { ok: false, reason: "alg must be HS256" };
  const claims = parseSegment(payload);
  if (!claims) return { ok: false, reason: "payload is not JSON" };
  const now = nowMs / 1000;
  if (typeof claims.exp !== "number" || claims.exp <= now - CLOCK_TOLERANCE_SECONDS) {
    return { ok: false, reason: '"exp" claim timestamp check failed' };
  }
  if (typeof claims.nbf === "number" && claims.nbf > now + CLOCK_TOLERANCE_SECONDS) {
    return { ok: false, reason: '"nbf" claim timestamp check failed' };
  }
  return { ok: true, claims };
}

function hmac(data: string, secret: string): string {
  return createHmac("sha256", secret).update(data).digest("base64url");
}

function parseSegment(segment: string): JwtClaims | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as JwtClaims) : null;
  } catch {
    return null;
  }
}
