import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server";
import { startTestEmulator, TEST_API_KEY } from "../testing";

// The admin frame's HTTP surface, through the emulator's real server.
let emulator: Emulator;
const APP_URL = "http://127.0.0.1:3999";

beforeAll(async () => {
  emulator = await startTestEmulator({ appUrl: APP_URL, now: Date.now });
  emulator.store.createShop({ domain: "demo-loyalty.myshopify.com", name: "Northwind Outfitters" });
});
afterAll(() => emulator.close());

describe("admin frame", () => {
  it("sends /admin-frame to the default shop's app page", async () => {
    const response = await fetch(`${emulator.url}/admin-frame`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/store/demo-loyalty/apps/${TEST_API_KEY}`);
  });

  it("frames the app with the shop, host and a session token", async () => {
    const response = await fetch(`${emulator.url}/store/demo-loyalty/apps/${TEST_API_KEY}`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain("Northwind Outfitters");
    const src = /id="app-frame"[^>]*src="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
    const url = new URL(src!);
    expect(url.origin + url.pathname).toBe(`${APP_URL}/app`);
    expect(url.searchParams.get("shop")).toBe("demo-loyalty.myshopify.com");
    expect(url.searchParams.get("id_token")).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("refuses unknown stores and other apps", async () => {
    expect((await fetch(`${emulator.url}/store/nobody/apps/${TEST_API_KEY}`)).status).toBe(404);
    expect((await fetch(`${emulator.url}/store/demo-loyalty/apps/another-app`)).status).toBe(404);
    expect((await fetch(`${emulator.url}/store/bad%20name/apps/${TEST_API_KEY}`)).status).toBe(400);
  });

  it("hands fresh session tokens to the app's origin only", async () => {
    const response = await fetch(`${emulator.url}/session-token?shop=demo-loyalty.myshopify.com`);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_URL);
    const body = (await response.json()) as { token: string; exp: number };
    expect(body.exp).toBeGreaterThan(Date.now() / 1000);
    expect((await fetch(`${emulator.url}/session-token?shop=evil.example.com`)).status).toBe(400);
  });

  it("serves the App Bridge stand-in as JavaScript", async () => {
    const response = await fetch(`${emulator.url}/app-bridge.js`);
    expect(response.headers.get("content-type")).toContain("application/javascript");
    expect(await response.text()).toContain("window.shopify");
  });
});
