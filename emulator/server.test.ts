import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./server";
import { startTestEmulator } from "./testing";

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startTestEmulator({ defaultShop: "seeded.myshopify.com" });
});
afterEach(() => emulator.close());

describe("emulator server", () => {
  it("listens on an ephemeral port and seeds the default shop", async () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(emulator.url)).json()).toEqual({
      emulator: "shopify-admin",
      shops: ["seeded.myshopify.com"],
    });
  });

  it("delegates admin frame paths to the admin frame handler", async () => {
    const script = await fetch(`${emulator.url}/app-bridge.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
  });

  it("answers 404 JSON for paths Shopify would not serve", async () => {
    for (const path of ["/admin/api/2025-10/unknown.json", "/admin/api/latest/graphql.json", "/nowhere"]) {
      const response = await fetch(`${emulator.url}${path}`, { method: "POST" });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ errors: "Not Found" });
    }
  });

  it("answers 400 for a GraphQL request without a query", async () => {
    const token = emulator.store.tokens.issue({
      shop: "seeded.myshopify.com",
      clientId: "emulator-test-key",
      kind: "offline",
      scope: "",
      lifetimeSeconds: null,
      refreshLifetimeSeconds: null,
    });
    const graphql = await fetch(`${emulator.url}/admin/api/2025-10/graphql.json`, {
      method: "POST",
      headers: { "X-Shopify-Access-Token": token.accessToken },
      body: "not json",
    });
    expect(graphql.status).toBe(400);
    expect(await graphql.json()).toEqual({ errors: { query: "Required parameter missing or invalid" } });
  });
});
