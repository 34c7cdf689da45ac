import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { embeddedAppUrl } from "./handler";
import { createSessionToken } from "./session-token";

// The token must pass the same check the app runs on every embedded request.
const api = shopifyApi({
  apiKey: "frame-key",
  apiSecretKey: "frame-secret",
  apiVersion: ApiVersion.October25,
  hostName: "127.0.0.1:3000",
  hostScheme: "http",
  isEmbeddedApp: true,
  logger: { level: 0, log: async () => {} },
});

describe("emulator session tokens", () => {
  it("are accepted by @shopify/shopify-api with the claims the app reads", async () => {
    const { token, exp } = createSessionToken("demo-loyalty.myshopify.com", "frame-key", "frame-secret");
    const payload = await api.session.decodeSessionToken(token);
    expect(payload).toMatchObject({
      iss: "https://demo-loyalty.myshopify.com/admin",
      dest: "https://demo-loyalty.myshopify.com",
      aud: "frame-key",
      sub: "1",
      exp,
    });
    expect(payload.exp - payload.iat).toBe(60);
  });

  it("are rejected when signed with another secret or for another app", async () => {
    const forged = createSessionToken("demo-loyalty.myshopify.com", "frame-key", "wrong-secret").token;
    await expect(api.session.decodeSessionToken(forged)).rejects.toThrow(/signature/);
    const otherApp = createSessionToken("demo-loyalty.myshopify.com", "other-key", "frame-secret").token;
    await expect(api.session.decodeSessionToken(otherApp)).rejects.toThrow(/API key/);
  });

  it("expire after a minute", async () => {
    const stale = createSessionToken(
      "demo-loyalty.myshopify.com",
      "frame-key",
      "frame-secret",
      Date.now() - 120_000,
    ).token;
    await expect(api.session.decodeSessionToken(stale)).rejects.toThrow(/exp/);
  });
});

describe("embeddedAppUrl", () => {
  it("passes the shop, a host the library accepts and the token", () => {
    const url = new URL(embeddedAppUrl("http://127.0.0.1:3000", "demo-loyalty.myshopify.com", "", "tok"));
    expect(url.pathname).toBe("/app");
    expect(url.searchParams.get("embedded")).toBe("1");
    expect(url.searchParams.get("id_token")).toBe("tok");
    expect(api.utils.sanitizeHost(url.searchParams.get("host")!)).not.toBeNull();
    expect(Buffer.from(url.searchParams.get("host")!, "base64").toString()).toBe(
      "admin.shopify.com/store/demo-loyalty",
    );
  });

  it("maps an admin sub-path onto the app", () => {
    const url = new URL(
      embeddedAppUrl("http://127.0.0.1:3000/", "demo-loyalty.myshopify.com", "/privacy", "tok"),
    );
    expect(url.pathname).toBe("/app/privacy");
  });
});
