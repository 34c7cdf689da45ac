import { mkdirSync } from "node:fs";
import { Session } from "@shopify/shopify-api";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "../../app/db.server";
import { saveCampaign } from "../../app/campaigns/campaigns.server";
import { deliverSend } from "../../app/campaigns/deliver.server";
import { lockMember } from "../../app/loyalty/services/ledger.server";
import { currentProgramVersion } from "../../app/loyalty/services/program.server";
import { seedMember, seedProgram } from "../support/loyalty-world.server";
import { refreshTier } from "../../app/loyalty/services/tiers.server";
import { PrismaSessionStorage } from "../../app/shopify/session-storage.server";
import { DEFAULT_SCOPES, emulatorConfig } from "../../emulator/config";
import { discountsOf } from "../../emulator/graphql/discounts";
import { createEmulator, type Emulator } from "../../emulator/server";
import { installApp, TEST_API_KEY, TEST_API_SECRET } from "../../emulator/testing";
import { ensureBuild, freePort, startAppServer, type AppServer } from "./support/app-server";
import { launchChromium } from "./support/chromium";
import { createOwnedDatabase, startOwnedRedis, type OwnedService } from "./support/services";
import { startStorefront, type StorefrontHarness } from "./support/storefront-harness";

// The storefront widget as a shopper meets it: a storefront stand-in renders the theme app
// extension's Liquid and forwards /apps/loyalty/* to the built app with Shopify's proxy
// signature; the app verifies it, reads the member from PostgreSQL and redeems through the
// saga, whose discount code is created in the emulator. Chromium drives it by keyboard
// and mouse; nothing is mocked.

const SHOP = "widget-store.myshopify.com";
const CUSTOMER = 7001;
const SCREENSHOTS = "test-results/screenshots";

let database: OwnedService | undefined;
let redis: OwnedService | undefined;
let db: ReturnType<typeof createPrisma> | undefined;
let emulator: Emulator | undefined;
let app: AppServer | undefined;
let storefront: StorefrontHarness | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];

async function seed(db: ReturnType<typeof createPrisma>, emulator: Emulator) {
  await seedProgram(db, SHOP, {
    currency: "USD",
    tiers: {
      basis: "points",
      levels: [
        { id: "bronze", name: "Bronze", threshold: 0 },
        { id: "silver", name: "Silver", threshold: 1000, benefits: { perkPercent: 5 } },
        { id: "gold", name: "Gold", threshold: 5000, benefits: { perkPercent: 10 } },
      ],
    },
    rewards: [
      {
        id: "five-off",
        name: "$5 off",
        value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
        pointsCost: 500,
      },
      { id: "ship", name: "Free shipping", value: { kind: "freeShipping" }, pointsCost: 300 },
      {
        id: "fifty-off",
        name: "$50 off",
        value: { kind: "fixedAmount", amount: { amountMinor: 5000, currency: "USD" } },
        pointsCost: 5000,
        minimumSubtotal: { amountMinor: 10000, currency: "USD" },
      },
    ],
    earning: { pointsPerCurrencyUnit: 2, bonuses: { signup: 100, birthday: 250 } },
    widgetCopy: { guestPitch: "Join the Northwind club: points on every order." },
  });
  // Points through the ledger, then the tier the real rule gives them.
  await seedMember(db, SHOP, BigInt(CUSTOMER), 1250, new Date());
  await db.$transaction(async (tx) => {
    const member = await lockMember(tx, SHOP, BigInt(CUSTOMER));
    const { program } = await currentProgramVersion(tx, SHOP);
    await refreshTier(tx, member!, program, new Date());
  });
  emulator.store.addCustomers(SHOP, [{ id: CUSTOMER, email: "mia@example.com", firstName: "Mia" }]);
  // A tier-upgrade message on the inbox channel, delivered as the campaign worker delivers it.
  await db.customer.create({
    data: { shop: SHOP, id: BigInt(CUSTOMER), firstName: "Mia", email: "mia@example.com" },
  });
  const saved = await saveCampaign(db, SHOP, {
    name: "Tier upgrade",
    kind: "trigger",
    trigger: "tierUpgrade",
    channel: "inbox",
    subject: "{firstName}, welcome to {tierName}",
    body: "You now get 5% off every order.\n\nYou have {balance} points: {pointsToNextReward} more for {nearestReward}.",
    ctaLabel: "Shop the new arrivals",
    ctaUrl: "/collections/all",
    enabled: true,
  });
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  const send = await db.campaignSend.create({
    data: {
      shop: SHOP,
      campaignId: saved.campaign.id,
      customerId: BigInt(CUSTOMER),
      occurrence: "upgrade",
      channel: "inbox",
    },
  });
  expect(await deliverSend(db, send.id, { finalAttempt: true })).toMatchObject({ status: "sent" });
  const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false });
  session.accessToken = await installApp(emulator, SHOP);
  session.scope = DEFAULT_SCOPES;
  await new PrismaSessionStorage(() => db).storeSession(session);
}

beforeAll(async () => {
  ensureBuild();
  database = await createOwnedDatabase();
  redis = await startOwnedRedis();
  db = createPrisma(database.url, 2);
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  emulator = await createEmulator(
    emulatorConfig({ port: 0, apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, appUrl }),
  );
  emulator.store.createShop({ domain: SHOP, name: "Northwind Outfitters", currencyCode: "USD" });
  await seed(db, emulator);
  app = await startAppServer(appPort, {
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_API_SECRET,
    SHOPIFY_APP_URL: appUrl,
    SHOPIFY_API_ORIGIN: emulator.url,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
  });
  storefront = await startStorefront({
    appUrl,
    shop: SHOP,
    secret: TEST_API_SECRET,
    customer: { id: CUSTOMER, first_name: "Mia" },
  });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
  // Cumulative layout shift as Core Web Vitals counts it: shifts not caused by recent input.
  await context.addInitScript(() => {
    const w = window as unknown as { __cls: number; __shifts: string[] };
    w.__cls = 0;
    w.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Array<
        PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: Array<{ node?: Node }> }
      >) {
        if (entry.hadRecentInput) continue;
        w.__cls += entry.value;
        w.__shifts.push(
          `${entry.value.toFixed(4)} ${(entry.sources ?? []).map((s) => (s.node as Element | undefined)?.className ?? "?").join(",")}`,
        );
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(storefront.url);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await storefront?.close();
  await app?.stop();
  await emulator?.close();
  await db?.$disconnect();
  await redis?.stop();
  await database?.stop();
});

const cls = () => page.evaluate(() => (window as unknown as { __cls: number }).__cls);
const shifts = () => page.evaluate(() => (window as unknown as { __shifts: string[] }).__shifts);

describe("the storefront loyalty widget", () => {
  it("shows the member's balance in the points card without shifting the page", async () => {
    const card = page.locator("[data-lw-card]");
    await expect
      .poll(() => card.locator(".lw-balance__value").textContent(), { timeout: 30_000 })
      .toBe("1,250");
    await expect.poll(() => card.innerText()).toContain("Silver");
    expect(storefront!.proxied).toContainEqual({ method: "GET", path: "/apps/loyalty/status", status: 200 });
    // The member's inbox is read on page load for the launcher's badge.
    await expect.poll(() => page.locator("[data-lw-launcher] .lw-badge").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: /^Rewards\s*,\s*1 unread message$/ }).count()).toBe(1);
    // Loaded as Shopify injects a theme app extension's script: async, in <head>, so it
    // can run before the body exists (it starts on DOMContentLoaded).
    expect(
      await page.evaluate(() =>
        [...document.head.querySelectorAll("script[src]")].map((s) => [
          s.getAttribute("src"),
          (s as HTMLScriptElement).async,
        ]),
      ),
    ).toEqual([["/extensions/loyalty-widget/assets/loyalty-widget.js", true]]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}/widget-closed.png` });
    expect(await shifts()).toEqual([]);
    expect(await cls()).toBe(0);
  });

  it("opens with Enter, moves focus into the dialog and shows balance, tier and rewards", async () => {
    const launcher = page.locator("[data-lw-launcher]");
    await launcher.focus();
    await page.keyboard.press("Enter");
    const panel = page.getByRole("dialog");
    await panel.waitFor({ state: "visible" });
    expect(await launcher.getAttribute("aria-expanded")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-lw-title"))).toBe(true);
    await expect.poll(() => panel.locator(".lw-balance__value").textContent()).toBe("1,250");
    const text = await panel.innerText();
    expect(text).toContain("Hi Mia!");
    expect(text).toContain("$5 off");
    expect(text).toContain("$50 off");
    // Each reward's conditions, the ways to earn, and the recent activity.
    expect(text).toContain("5,000 points · $100.00 minimum order");
    expect(text).toContain("2 points for every $1 spent");
    expect(text).toContain("250 points on your birthday");
    expect(text).toContain("Recent activity");
    // Points to the next reward and to the next tier, each with a progress bar.
    const nextReward = panel.getByRole("progressbar", { name: "3,750 points to $50 off" });
    expect(await nextReward.getAttribute("aria-valuenow")).toBe("25");
    const nextTier = panel.getByRole("progressbar", { name: "3,750 points to Gold" });
    expect(await nextTier.getAttribute("aria-valuenow")).toBe("25");
    await page.screenshot({ path: `${SCREENSHOTS}/widget-open.png` });
  });

  it("shows the inbox: a message opens by keyboard, is marked read, and the badge goes", async () => {
    const panel = page.getByRole("dialog");
    const inbox = panel.getByRole("region", { name: /Messages/ });
    await expect.poll(() => inbox.innerText()).toContain("Mia, welcome to Silver");
    expect(await inbox.innerText()).toContain("(1 unread message)");
    const toggle = inbox.getByRole("button", { name: /Mia, welcome to Silver/ });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await toggle.innerText()).toContain("New");
    await toggle.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("true");
    const body = panel.locator(`#${await toggle.getAttribute("aria-controls")}`);
    expect(await body.isVisible()).toBe(true);
    expect(await body.innerText()).toContain("You now get 5% off every order.");
    const cta = body.getByRole("link", { name: "Shop the new arrivals" });
    expect(await cta.getAttribute("href")).toBe("/collections/all");
    // Focus stays on the rebuilt toggle; the message is read in the database, the badge is gone.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-controls"))).toMatch(
      /^lw-msg-/,
    );
    await expect
      .poll(async () => (await db!.inboxMessage.findFirstOrThrow({ where: { shop: SHOP } })).readAt)
      .toBeInstanceOf(Date);
    // The harness records the answer after the app has written it: wait for it, not race it.
    await expect
      .poll(() => storefront!.proxied)
      .toContainEqual({ method: "POST", path: "/apps/loyalty/inbox", status: 200 });
    expect(await page.locator("[data-lw-launcher] .lw-badge").isVisible()).toBe(false);
    expect(await inbox.innerText()).not.toContain("unread");
    await page.screenshot({ path: `${SCREENSHOTS}/widget-inbox.png` });
  });

  it("redeems a reward and shows its code, which exists in Shopify for this customer", async () => {
    const panel = page.getByRole("dialog");
    await panel.getByRole("button", { name: /\$5 off/ }).click();
    const code = panel.locator(".lw-code__value");
    await code.waitFor({ state: "visible" });
    const shown = (await code.textContent())!.trim();
    expect(shown).toMatch(/^LOY-[0-9A-Z]{4}-/);
    await expect.poll(() => panel.locator(".lw-balance__value").textContent()).toBe("750");
    const [discount] = [...discountsOf(emulator!.store.requireShop(SHOP)).byId.values()];
    expect(discount).toMatchObject({ code: shown, customerIds: [`gid://shopify/Customer/${CUSTOMER}`] });
    const redemption = await db!.redemption.findFirstOrThrow({ where: { shop: SHOP } });
    expect(redemption).toMatchObject({ code: shown, status: "issued", pointsCost: 500 });
    expect(storefront!.proxied).toContainEqual({ method: "POST", path: "/apps/loyalty/redeem", status: 201 });
    await page.screenshot({ path: `${SCREENSHOTS}/widget-redeemed.png` });
  });

  it("adds the member's birthday by keyboard: month and day, saved, announced and shown", async () => {
    const panel = page.getByRole("dialog");
    const section = panel.getByRole("region", { name: "Your birthday" });
    const add = section.getByRole("button", { name: "Add your birthday" });
    await add.focus();
    await page.keyboard.press("Enter");
    const month = section.getByRole("combobox", { name: "Month" });
    const day = section.getByRole("combobox", { name: "Day" });
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("lw-bday-month");
    // Saving with nothing chosen says what is missing, in the live region, and sends nothing.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => section.innerText()).toContain("Choose a month and a day.");
    await expect.poll(() => page.locator("[data-lw-live]").textContent()).toBe("Choose a month and a day.");
    expect(await month.getAttribute("aria-invalid")).toBe("true");
    expect(await month.getAttribute("aria-describedby")).toBe("lw-bday-error");
    // February offers 29 days; the selects answer to typing, as any native select does.
    await month.focus();
    await page.keyboard.type("Feb");
    expect(await month.inputValue()).toBe("2");
    expect(await day.locator("option").count()).toBe(30);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("lw-bday-day");
    await page.keyboard.type("29");
    expect(await day.inputValue()).toBe("29");
    // A choice clears the error.
    expect(await section.innerText()).not.toContain("Choose a month and a day.");
    expect(await month.getAttribute("aria-invalid")).toBeNull();
    await panel.screenshot({ path: `${SCREENSHOTS}/widget-birthday-form.png` });
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.locator("[data-lw-live]").textContent())
      .toBe("Birthday saved: February 29.");
    expect(storefront!.proxied).toContainEqual({
      method: "POST",
      path: "/apps/loyalty/birthday",
      status: 200,
    });
    const member = await db!.member.findUniqueOrThrow({
      where: { shop_customerId: { shop: SHOP, customerId: BigInt(CUSTOMER) } },
    });
    expect(member).toMatchObject({ birthdayMonth: 2, birthdayDay: 29, birthdaySetAt: expect.any(Date) });
    // The birthday as the shopper reads it, with a way to change it; focus is on that button.
    expect(await section.innerText()).toContain("February 29");
    const change = section.getByRole("button", { name: "Change your birthday, February 29" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-lw-key"))).toBe("bday-open");
    await change.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: `${SCREENSHOTS}/widget-birthday.png` });
    // Changing it opens the form with the saved date chosen; Cancel keeps it.
    await page.keyboard.press("Enter");
    await expect.poll(() => month.inputValue()).toBe("2");
    expect(await day.inputValue()).toBe("29");
    await section.getByRole("button", { name: "Cancel" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => section.innerText()).toContain("February 29");
  });

  it("closes with Escape and returns focus to the launcher, with no layout shift and no script errors", async () => {
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-lw-launcher"))).toBe(true);
    expect(await page.locator("[data-lw-launcher]").getAttribute("aria-expanded")).toBe("false");
    expect(await shifts()).toEqual([]);
    expect(await cls()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

describe("the storefront loyalty widget for a guest", () => {
  it("sells the program: the pitch, ways to earn, rewards with conditions and tiers, with Join and Sign in", async () => {
    // Same context (its layout-shift observer), signed out by the stand-in's cookie.
    const guest = await page.context().newPage();
    const errors: string[] = [];
    guest.on("pageerror", (error) => errors.push(error.message));
    // The worst case of Shopify's injection: the script runs in <head> before the body
    // exists (here made blocking), and must still start once the document is parsed.
    await guest.route(
      (url) => url.pathname === "/",
      async (route) => {
        const response = await route.fetch();
        const body = (await response.text()).replace(/(<script src="[^"]+") async>/, "$1>");
        expect(body).toMatch(/<head>[\s\S]*<script src="[^"]+loyalty-widget\.js"><\/script>[\s\S]*<\/head>/);
        await route.fulfill({ response, body });
      },
    );
    await guest.goto(`${storefront!.url}/?customer=guest`);
    await guest.locator("[data-lw-launcher]").click();
    const panel = guest.getByRole("dialog");
    await expect.poll(() => panel.locator("[data-lw-program]").innerText()).toContain("Tiers");
    const text = await panel.innerText();
    // The program's own pitch (its widgetCopy) replaces the translated default.
    expect(text).toContain("Join the Northwind club: points on every order.");
    expect(text).toContain("2 points for every $1 spent");
    expect(text).toContain("100 points for creating an account");
    expect(text).toContain("$50 off");
    expect(text).toContain("5,000 points · $100.00 minimum order");
    expect(text).toMatch(/Silver\s+From 1,000 points · 5% off every order/);
    expect(await panel.getByRole("link", { name: "Join now" }).getAttribute("href")).toBe(
      "/account/register",
    );
    expect(await panel.getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/account/login");
    expect(storefront!.proxied.at(-1)).toEqual({ method: "GET", path: "/apps/loyalty/status", status: 401 });
    await guest.screenshot({ path: `${SCREENSHOTS}/widget-guest.png` });
    expect(await guest.evaluate(() => (window as unknown as { __shifts: string[] }).__shifts)).toEqual([]);
    expect(errors).toEqual([]);
    await guest.close();
  });

  it("speaks the storefront's language and calls the proxy under its locale root", async () => {
    const guest = await page.context().newPage();
    await guest.goto(`${storefront!.url}/fr/?customer=guest`);
    await guest.locator("[data-lw-launcher]").click();
    const panel = guest.getByRole("dialog");
    await expect.poll(() => panel.locator("[data-lw-program]").innerText()).toContain("Niveaux");
    const text = await panel.innerText();
    expect(text).toContain("Comment gagner des points");
    expect(text).toContain("100 points à la création de votre compte");
    expect(text).toMatch(/Commande minimum de 100,00\s\$US/);
    expect(await panel.getByRole("link", { name: "Se connecter" }).getAttribute("href")).toBe(
      "/fr/account/login",
    );
    expect(storefront!.proxied.at(-1)).toEqual({
      method: "GET",
      path: "/fr/apps/loyalty/status",
      status: 401,
    });
    await guest.close();
  });
});
