import { randomUUID } from "node:crypto";
import { emulatorConfig, type EmulatorConfig } from "./config";
import { signJwt, type JwtClaims } from "./oauth/jwt";
import { OFFLINE_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, ID_TOKEN_TYPE } from "./oauth/access-token";
import { createEmulator, type Emulator } from "./server";

// Helpers for tests (here, in the app and in the simulator) that run an emulator
// in-process: port 0, a controllable clock, and a quick way to act as an installed app.

export const TEST_API_KEY = "emulator-test-key";
export const TEST_API_SECRET = "emulator-test-secret";

export type TestClock = { now: () => number; advance(ms: number): void };

export function testClock(start = Date.parse("2025-06-01T12:00:00Z")): TestClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}

export function startTestEmulator(overrides: Partial<EmulatorConfig> = {}): Promise<Emulator> {
  return createEmulator(
    emulatorConfig({
      port: 0,
      apiKey: TEST_API_KEY,
      apiSecret: TEST_API_SECRET,
      appUrl: "http://127.0.0.1:9",
      ...overrides,
    }),
  );
}

/** A session token as Shopify admin would hand the app; claims can be overridden to make it invalid. */
export function sessionToken(
  shop: string,
  options: { apiKey?: string; secret?: string; nowMs?: number; claims?: JwtClaims } = {},
): string {
  const iat = Math.floor((options.nowMs ?? Date.now()) / 1000);
  return signJwt(
    {
      iss: `https://${shop}/admin`,
      dest: `https://${shop}`,
      aud: options.apiKey ?? TEST_API_KEY,
      sub: "1",
      exp: iat + 60,
      nbf: iat,
      iat,
      jti: randomUUID(),
      sid: randomUUID(),
      ...options.claims,
    },
    options.secret ?? TEST_API_SECRET,
  );
}

/** Exchanges a fresh session token for an offline access token, as the app does on first load. */
export async function installApp(emulator: Emulator, shop: string, nowMs?: number): Promise<string> {
  const response = await fetch(`${emulator.url}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Shop-Domain": shop },
    body: JSON.stringify({
      client_id: TEST_API_KEY,
      client_secret: TEST_API_SECRET,
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: sessionToken(shop, { nowMs }),
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: OFFLINE_TOKEN_TYPE,
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token)
    throw new Error(`token exchange failed: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Posts an Admin GraphQL query with the token and returns the parsed JSON body. */
export async function adminQuery(
  emulator: Emulator,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{
  status: number;
  body: Record<string, unknown> & {
    data?: unknown;
    errors?: unknown[];
    extensions?: Record<string, unknown>;
  };
}> {
  const response = await fetch(`${emulator.url}/admin/api/2025-10/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
