import { randomUUID } from "node:crypto";
import { signJwt } from "../oauth/jwt";

// Signs the session token Shopify admin hands an embedded app: an HS256 JWT keyed by the
// app's secret, with the claims @shopify/shopify-api's decodeSessionToken checks (aud is
// the api key; exp and nbf within its 10 s tolerance) and the ones the library reads
// (dest for the shop, sub for the user, sid for the admin session).

export type SessionTokenClaims = {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
};

export function sessionTokenClaims(
  shop: string,
  apiKey: string,
  now = Date.now(),
  lifetimeSeconds = 60,
): SessionTokenClaims {
  const iat = Math.floor(now / 1000);
  return {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: apiKey,
    sub: "1",
    exp: iat + lifetimeSeconds,
    nbf: iat,
    iat,
    jti: randomUUID(),
    sid: `emulator-${shop}`,
  };
}

export function createSessionToken(shop: string, apiKey: string, apiSecret: string, now = Date.now()) {
  const claims = sessionTokenClaims(shop, apiKey, now);
  return { token: signJwt(claims, apiSecret), exp: claims.exp };
}
