import { mkdirSync } from "node:fs";
import type { Browser, FrameLocator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "../../app/db.server";
import { emulatorConfig } from "../../emulator/config";
import { createEmulator, type Emulator } from "../../emulator/server";
import { ensureBuild, freePort, startAppServer, type AppServer } from "./support/app-server";
import { adminContext, launchChromium } from "./support/chromium";
import { createOwnedDatabase, startOwnedRedis, type OwnedService } from "./support/services";

// The embedded app as a merchant meets it: the emulator's Shopify admin frames the built
// app, which authenticates with the frame's session token (token exchange against the
// emulator), records the install from the shop query, and renders the dashboard (with a
// new install's checklist) and the status page from the database. Only Chromium, the app
// and the emulator are involved; nothing is mocked.

const SHOP = "demo-loyalty.myshopify.com";
const API_KEY = "browser-test-key";
const API_SECRET = "browser-test-secret";
const SCREENSHOTS = "test-results/screenshots";

let database: OwnedService | undefined;
let redis: OwnedService | undefined;
let db: ReturnType<typeof createPrisma> | undefined;
let emulator: Emulator | undefined;
let app: AppServer | undefined;
let browser: Browser | undefined;
let page: Page;
let frame: FrameLocator;
const pageErrors: string[] = [];
const dataRequests: Array<{
  authorization: string | undefined;
  requestId: string | undefined;
  status: number;
}> = [];

async function seedMirrors(db: ReturnType<typeof createPrisma>) {
  for (const shop of [SHOP, "someone-else.myshopify.com"]) {
    const n = shop === SHOP ? 1 : 10;
    await db.customer.createMany({
      data: Array.from({ length: 3 * n }, (_, i) => ({ shop, id: BigInt(i + 1) })),
    });
    await db.product.createMany({
      data: Array.from({ length: 4 * n }, (_, i) => ({ shop, id: BigInt(i + 1), title: `P${i}` })),
    });
    await db.order.createMany({
      data: Array.from({ length: 2 * n }, (_, i) => ({
        shop,
        id: BigInt(i + 1),
        name: `#${1001 + i}`,
        currencyCode: "EUR",
        subtotalMinor: 4200n,
        totalMinor: 4990n,
      })),
    });
  }
}

beforeAll(async () => {
  ensureBuild();
  database = await createOwnedDatabase();
  redis = await startOwnedRedis();
  db = createPrisma(database.url, 2);
  await seedMirrors(db);
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  emulator = await createEmulator(
    emulatorConfig({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, appUrl }),
  );
  emulator.store.createShop({
    domain: SHOP,
    name: "Northwind Outfitters",
    currencyCode: "EUR",
    ianaTimezone: "Europe/Berlin",
    planDisplayName: "Shopify Plus",
  });
  app = await startAppServer(appPort, {
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: appUrl,
    SHOPIFY_API_ORIGIN: emulator.url,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
  });

  browser = await launchChromium();
  const context = await adminContext(browser, { width: 1440, height: 960 });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("response", (response) => {
    if (!new URL(response.url()).pathname.endsWith(".data")) return;
    dataRequests.push({
      authorization: response.request().headers()["authorization"],
      requestId: response.headers()["x-request-id"],
      status: response.status(),
    });
  });
  await page.goto(`${emulator.url}/admin-frame`);
  frame = page.frameLocator("#app-frame");
  try {
    await frame.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor({ timeout: 90_000 });
  } catch (error) {
    throw new Error(`The dashboard did not render: ${String(error)}\n--- app output ---\n${app.output()}`);
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await emulator?.close();
  await db?.$disconnect();
  await redis?.stop();
  await database?.stop();
});

const openNav = (label: string) =>
  page.getByTestId("app-nav").getByRole("link", { name: label, exact: true }).click();

describe("the embedded admin", () => {
  it("greets a new install with its checklist and the business figures in the shop's currency", async () => {
    const step = (id: string) => frame.locator(`[data-onboarding-step="${id}"]`);
    expect(await step("program").getAttribute("data-done")).toBe("no");
    expect(await step("widget").getAttribute("data-done")).toBe("no");
    // The default program promises no checkout perk and lets no points expire: nothing to do there.
    expect(await frame.getByText("2 of 4 steps done").count()).toBe(1);
    // Two mirrored orders with no date and no customer: no figures yet, in euros.
    expect(await frame.locator('[data-kpi="Revenue from members"]').innerText()).toBe("€0.00");
    expect(await frame.getByText("Correlation, not the program's effect").count()).toBe(1);
    // Engineering state lives on the status page.
    expect(await frame.getByText("Background workers").count()).toBe(0);
  });

  it("shows the store recorded from the emulator's shop query", async () => {
    await openNav("Status");
    await frame.getByRole("heading", { name: "Status", level: 1 }).waitFor();
    // The store card fills in once the app has read the shop; a loaded machine takes seconds.
    await expect
      .poll(() => frame.getByRole("heading", { name: "Northwind Outfitters" }).count(), { timeout: 30_000 })
      .toBe(1);
    for (const fact of ["demo-loyalty.myshopify.com", "Shopify Plus", "EUR", "Installed"]) {
      expect(await frame.getByText(fact, { exact: true }).count(), fact).toBe(1);
    }
    expect(await page.getByTestId("store-name").innerText()).toContain("Northwind Outfitters");
    const row = await db!.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect(row).toMatchObject({
      name: "Northwind Outfitters",
      status: "installed",
      ianaTimezone: "Europe/Berlin",
    });
  });

  it("shows this shop's mirrored counts and no other shop's", async () => {
    const metric = (label: string) => frame.locator(`[data-metric="${label}"]`).innerText();
    expect(await metric("Customers")).toBe("3");
    expect(await metric("Orders")).toBe("2");
    expect(await metric("Products")).toBe("4");
  });

  it("says honestly that no worker is running and counts a real webhook waiting in the inbox", async () => {
    expect(await frame.getByText("No worker running").count()).toBe(1);
    const delivery = await emulator!.sendWebhook({
      shop: SHOP,
      topic: "products/update",
      payload: { id: 9001, title: "Gift card" },
    });
    expect(delivery.status).toBe(200);
    // Opening a page from the admin nav is a client-side navigation: its data request
    // carries the App Bridge stand-in's session token in the Authorization header.
    await page.locator("#app-home").click();
    await frame.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await openNav("Status");
    await frame.getByText("1 event waiting").waitFor({ timeout: 60_000 });
    expect(dataRequests.length).toBeGreaterThan(0);
    for (const request of dataRequests) {
      expect(request).toMatchObject({
        status: 200,
        authorization: expect.stringMatching(/^Bearer ey/),
        requestId: expect.any(String),
      });
    }
  });

  it("recovers a session token through the library's bounce page when the URL has none", async () => {
    const appUrl = new URL(
      await page
        .locator("#app-frame")
        .getAttribute("src")
        .then((src) => src!),
    );
    appUrl.searchParams.delete("id_token");
    const bounced = page.waitForResponse((r) => new URL(r.url()).pathname === "/auth/session-token", {
      timeout: 60_000,
    });
    const reloaded = page.waitForResponse(
      (r) => new URL(r.url()).pathname === "/app" && new URL(r.url()).searchParams.has("id_token"),
      { timeout: 60_000 },
    );
    await page
      .locator("#app-frame")
      .evaluate((iframe, src) => ((iframe as HTMLIFrameElement).src = src), appUrl.href);
    expect((await bounced).status()).toBe(200);
    expect((await reloaded).status()).toBe(200);
    await frame.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor({ timeout: 60_000 });
  });

  it("lists the app's NavMenu in the admin and renders without script errors", async () => {
    const nav = await page.getByTestId("app-nav").innerText();
    expect(nav).toContain("Privacy requests");
    expect(nav).toContain("Status");
    expect(nav).not.toContain("Dashboard"); // the home link is the app's own entry in admin
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.setViewportSize({ width: 1440, height: 2400 });
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard.png` });
    await openNav("Status");
    await frame.getByRole("heading", { name: "Status", level: 1 }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/status.png` });
    expect(pageErrors).toEqual([]);
  });
});
