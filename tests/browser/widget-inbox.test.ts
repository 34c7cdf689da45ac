import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EXTENSION_DIR, renderBlock } from "../support/widget-liquid";
import { launchChromium } from "./support/chromium";

// The widget's inbox rendering on its own: the launcher's Liquid and the real script and
// stylesheet in Chromium, with the app proxy's answers given as fixtures (the contract's
// shapes; the app's own answers are in storefront.test.ts). What must hold whatever a
// campaign says: text stays text, only safe links are links, the badge counts, keyboard
// and screen reader users can open and mark messages, and the POSTs say what was read.

const ORIGIN = "https://northwind.example";
let browser: Browser;
let page: Page;
let posts: unknown[];
let inbox: { unread: number; messages: Array<Record<string, unknown>> };
const errors: string[] = [];

const message = (id: string, title: string, extra: Record<string, unknown> = {}) => ({
  id,
  title,
  body: "Line one.\n\nLine two.",
  cta: null,
  createdAt: "2026-12-01T10:00:00.000Z",
  read: false,
  ...extra,
});

const status = {
  member: true,
  balance: { available: 120, pending: 0 },
  currency: "USD",
  rewards: [],
  activity: [],
  tier: null,
  nextReward: null,
};

async function page_(html: string) {
  const css = readFileSync(path.join(EXTENSION_DIR, "assets/loyalty-widget.css"), "utf8");
  const js = readFileSync(path.join(EXTENSION_DIR, "assets/loyalty-widget.js"), "utf8");
  page = await browser.newPage({ viewport: { width: 1000, height: 800 }, locale: "en-US" });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.route(`${ORIGIN}/**`, async (route: Route) => {
    const url = new URL(route.request().url());
    const json = (body: unknown) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) });
    if (url.pathname === "/apps/loyalty/status") return json(status);
    if (url.pathname === "/apps/loyalty/inbox") {
      if (route.request().method() === "POST") {
        const body = JSON.parse(route.request().postData() ?? "{}") as { read: string };
        posts.push(body);
        for (const m of inbox.messages) if (body.read === "all" || body.read === m.id) m.read = true;
        inbox.unread = inbox.messages.filter((m) => !m.read).length;
      }
      return json(inbox);
    }
    return route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="en"><head><style>${css}</style><script>${js}</script></head><body><main><h1>Store</h1></main>${html}</body></html>`,
    });
  });
  await page.goto(`${ORIGIN}/`);
}

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(() => {
  posts = [];
  errors.length = 0;
  inbox = {
    unread: 2,
    messages: [
      message("0b8f6f0e-0000-4000-8000-000000000001", 'Hi <img src=x onerror="window.__owned=1">', {
        body: "<script>window.__owned=2</script>\n\nStill text.",
        cta: { label: "Sneaky", url: "javascript:window.__owned=3" },
      }),
      message("0b8f6f0e-0000-4000-8000-000000000002", "Welcome to Gold", {
        cta: { label: "Shop now", url: "/collections/all" },
      }),
      message("0b8f6f0e-0000-4000-8000-000000000003", "Old news", { read: true }),
    ],
  };
});

describe("the widget's inbox", () => {
  it("counts unread messages on the launcher and keeps every campaign's words as text", async () => {
    const { html } = await renderBlock("loyalty-launcher", { customer: { id: 7, first_name: "Mia" } });
    await page_(html);
    await page.locator(".lw-badge").waitFor();
    const launcher = page.getByRole("button", { name: /^Rewards\s*,\s*2 unread messages$/ });
    await launcher.waitFor();
    expect(await page.locator(".lw-badge [aria-hidden]").textContent()).toBe("2");
    await launcher.click();
    await page.getByRole("region", { name: "Messages (2 unread messages)" }).waitFor();
    const region = page.getByRole("region", { name: /^Messages/ });
    const toggles = region.getByRole("button", { expanded: false });
    expect(await toggles.count()).toBe(3);
    // Markup in a title or body is shown, never run; a javascript: link is not a link.
    await region.getByRole("button", { name: /Hi <img/ }).click();
    expect(await region.innerText()).toContain("<script>window.__owned=2</script>");
    expect(await region.getByRole("link").count()).toBe(0);
    expect(await region.innerText()).not.toContain("Sneaky");
    expect(await page.evaluate(() => (window as unknown as { __owned?: number }).__owned)).toBeUndefined();
    expect(posts).toEqual([{ read: "0b8f6f0e-0000-4000-8000-000000000001" }]);
    await page.getByRole("region", { name: "Messages (1 unread message)" }).waitFor();
    expect(errors).toEqual([]);
  });

  it("opens a message with the keyboard, marks it read, and marks all read with focus kept in the inbox", async () => {
    const { html } = await renderBlock("loyalty-launcher", { customer: { id: 7, first_name: "Mia" } });
    await page_(html);
    const launcher = page.locator("[data-lw-launcher]");
    await page.locator(".lw-badge").waitFor();
    await launcher.focus();
    await page.keyboard.press("Enter");
    const toggle = page.getByRole("button", { name: /Welcome to Gold/ });
    await toggle.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("true");
    // The rebuilt toggle keeps the focus; its panel shows the body as paragraphs and the link.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("Welcome to Gold");
    const body = page.locator(`#${await toggle.getAttribute("aria-controls")}`);
    expect(await body.getByRole("link", { name: "Shop now" }).getAttribute("href")).toBe("/collections/all");
    expect(await body.innerText()).toMatch(/Line one\.\n+Line two\./);
    await expect.poll(() => page.locator(".lw-badge [aria-hidden]").textContent()).toBe("1");
    expect(await toggle.innerText()).not.toContain("New");

    await page.getByRole("button", { name: "Mark all as read" }).click();
    await expect.poll(() => page.locator(".lw-badge").isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("lw-inbox-h");
    expect(await page.getByRole("button", { name: "Mark all as read" }).count()).toBe(0);
    expect(posts).toEqual([{ read: "0b8f6f0e-0000-4000-8000-000000000002" }, { read: "all" }]);
    await expect
      .poll(() => page.locator("[data-lw-live]").first().textContent())
      .toBe("All messages marked as read.");
    expect(errors).toEqual([]);
  });

  it("shows nothing of an inbox to a guest or a member without messages", async () => {
    inbox = { unread: 0, messages: [] };
    const { html } = await renderBlock("loyalty-launcher", { customer: { id: 7 } });
    await page_(html);
    await page.locator("[data-lw-launcher]").click();
    await page.locator(".lw-balance__value").waitFor();
    expect(await page.getByRole("region", { name: /Messages/ }).count()).toBe(0);
    expect(await page.locator(".lw-badge").isVisible()).toBe(false);
    const guest = await renderBlock("loyalty-launcher", { customer: null });
    await page_(guest.html);
    expect(await page.locator(".lw-badge").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
