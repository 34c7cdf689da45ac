import { createHmac, randomUUID } from "node:crypto";

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

const base64url = (input: string | Buffer) => Buffer.from(input).toString("base64url");

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

export function signJwt(claims: object, secret: string): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export function createSessionToken(shop: string, apiKey: string, apiSecret: string, now = Date.now()) {
  const claims = sessionTokenClaims(shop, apiKey, now);
  return { token: signJwt(claims, apiSecret), exp: claims.exp };
}
