import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ID_TOKEN_TYPE,
  OFFLINE_TOKEN_TYPE,
  ONLINE_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
} from "./oauth/access-token";
import type { Emulator } from "./server";
import {
  sessionToken,
  startTestEmulator,
  TEST_API_KEY,
  TEST_API_SECRET,
  testClock,
  type TestClock,
} from "./testing";

const SHOP = "demo-loyalty.myshopify.com";
let emulator: Emulator;
let clock: TestClock;

beforeEach(async () => {
  clock = testClock();
  emulator = await startTestEmulator({ now: clock.now });
});
afterEach(() => emulator.close());

async function postToken(body: Record<string, string>, shop = SHOP) {
  const response = await fetch(`${emulator.url}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Shop-Domain": shop },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function exchange(overrides: Record<string, string> = {}) {
  return postToken({
    client_id: TEST_API_KEY,
    client_secret: TEST_API_SECRET,
    grant_type: TOKEN_EXCHANGE_GRANT,
    subject_token: sessionToken(SHOP, { nowMs: clock.now() }),
    subject_token_type: ID_TOKEN_TYPE,
    requested_token_type: OFFLINE_TOKEN_TYPE,
    expiring: "0",
    ...overrides,
  });
}

describe("token exchange", () => {
  it("issues a non-expiring offline token and records it", async () => {
    const { status, body } = await exchange();
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^shpat_/),
      scope: expect.stringContaining("read_customers"),
    });
    expect(emulator.store.tokens.list(SHOP).map((t) => t.accessToken)).toEqual([body.access_token]);
  });

  it("issues an expiring offline token with a refresh token when expiring=1", async () => {
    const { body } = await exchange({ expiring: "1" });
    expect(body).toMatchObject({
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^shprt_/),
      refresh_token_expires_in: 7_776_000,
    });
  });

  it("issues an online token whose associated_user names the staff member the session token's sub is", async () => {
    emulator.store.addStaff(SHOP, {
      id: 42,
      firstName: "Grace",
      lastName: "O'Hara",
      email: "grace@demo-loyalty.example",
      accountOwner: false,
    });
    const { status, body } = await exchange({
      requested_token_type: ONLINE_TOKEN_TYPE,
      subject_token: sessionToken(SHOP, { nowMs: clock.now(), claims: { sub: "42" } }),
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      access_token: expect.stringMatching(/^shpua_/),
      expires_in: 86399,
      associated_user_scope: body.scope,
      associated_user: {
        id: 42,
        first_name: "Grace",
        last_name: "O'Hara",
        email: "grace@demo-loyalty.example",
        account_owner: false,
      },
    });
  });

  it("names the account owner, user 1, whom the admin frame signs in as", async () => {
    const { body } = await exchange({ requested_token_type: ONLINE_TOKEN_TYPE });
    expect(body.associated_user).toMatchObject({
      id: 1,
      first_name: "Alex",
      last_name: "Morgan",
      account_owner: true,
    });
  });

  it("refuses an online token for a user who is not on the shop's staff", async () => {
    const { status, body } = await exchange({
      requested_token_type: ONLINE_TOKEN_TYPE,
      subject_token: sessionToken(SHOP, { nowMs: clock.now(), claims: { sub: "777" } }),
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: "invalid_subject_token",
      error_description: expect.stringContaining("staff"),
    });
    expect(emulator.store.tokens.list()).toHaveLength(0);
  });

  it("rejects a wrong client secret with 401 invalid_client", async () => {
    const { status, body } = await exchange({ client_secret: "not-the-secret" });
    expect(status).toBe(401);
    expect(body.error).toBe("invalid_client");
    expect(emulator.store.tokens.list()).toHaveLength(0);
  });

  it("rejects a session token signed with another secret", async () => {
    const { status, body } = await exchange({
      subject_token: sessionToken(SHOP, { nowMs: clock.now(), secret: "other" }),
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: "invalid_subject_token",
      error_description: expect.stringContaining("signature"),
    });
  });

  it("rejects an expired session token, allowing Shopify's 10 s clock tolerance", async () => {
    const issued = clock.now();
    clock.advance(69_000);
    expect((await exchange({ subject_token: sessionToken(SHOP, { nowMs: issued }) })).status).toBe(200);
    clock.advance(2_000);
    const { status, body } = await exchange({ subject_token: sessionToken(SHOP, { nowMs: issued }) });
    expect(status).toBe(400);
    expect(body.error_description).toContain("exp");
  });

  it("rejects a session token for another shop or another app", async () => {
    const otherShop = sessionToken("other.myshopify.com", { nowMs: clock.now() });
    expect((await exchange({ subject_token: otherShop })).body.error).toBe("invalid_subject_token");
    const otherApp = sessionToken(SHOP, { nowMs: clock.now(), apiKey: "other-app" });
    expect((await exchange({ subject_token: otherApp })).body.error).toBe("invalid_subject_token");
  });

  it("answers 404 for a shop the emulator does not have", async () => {
    expect((await postToken({ client_id: TEST_API_KEY }, "missing.myshopify.com")).status).toBe(404);
  });
});

describe("refresh token grant", () => {
  it("rotates the refresh token and refuses to redeem one twice", async () => {
    const { body: first } = await exchange({ expiring: "1" });
    const refresh = (token: unknown) =>
      postToken({
        client_id: TEST_API_KEY,
        client_secret: TEST_API_SECRET,
        grant_type: "refresh_token",
        refresh_token: String(token),
      });
    clock.advance(3_600_000);
    const renewed = await refresh(first.refresh_token);
    expect(renewed.status).toBe(200);
    expect(renewed.body).toMatchObject({ expires_in: 3600, refresh_token: expect.stringMatching(/^shprt_/) });
    expect(renewed.body.refresh_token).not.toBe(first.refresh_token);
    expect(emulator.store.tokens.active(String(first.access_token))).toBeNull();
    expect(emulator.store.tokens.active(String(renewed.body.access_token))).not.toBeNull();
    const replay = await refresh(first.refresh_token);
    expect(replay).toEqual({ status: 400, body: expect.objectContaining({ error: "invalid_grant" }) });
  });

  it("migrates a non-expiring offline token to an expiring one and revokes the old token", async () => {
    const { body: old } = await exchange();
    const { status, body } = await postToken({
      client_id: TEST_API_KEY,
      client_secret: TEST_API_SECRET,
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: String(old.access_token),
      subject_token_type: OFFLINE_TOKEN_TYPE,
      requested_token_type: OFFLINE_TOKEN_TYPE,
      expiring: "1",
    });
    expect(status).toBe(200);
    expect(body.refresh_token).toBeTruthy();
    expect(emulator.store.tokens.active(String(old.access_token))).toBeNull();
  });
});
