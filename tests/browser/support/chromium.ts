import { chromium, type Browser, type BrowserContext } from "playwright-core";

// Debian's Chromium as every browser test launches it: no browser download, no network
// services of its own, nothing that waits on the internet.

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

/** A context for the embedded admin: a browser the Shopify library accepts, and no CDN waits. */
export async function adminContext(
  browser: Browser,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  // Headless Chromium names itself HeadlessChrome, which the library rejects as a bot (410).
  const userAgent = (await browser.newBrowserCDPSession().then((cdp) => cdp.send("Browser.getVersion")))
    .userAgent;
  const context = await browser.newContext({
    viewport,
    userAgent: userAgent.replace("HeadlessChrome", "Chrome"),
  });
  // No internet here: Shopify's CDN (the Inter font) fails fast instead of hanging.
  await context.route(/^https:\/\/cdn\.shopify\.com\//, (route) => route.abort());
  return context;
}
