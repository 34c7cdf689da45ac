import type { Browser, FrameLocator, Page } from "playwright-core";
import { createPrisma } from "../../../app/db.server";
import { emulatorConfig } from "../../../emulator/config";
import { createEmulator, type Emulator } from "../../../emulator/server";
import { ensureBuild, freePort, startAppServer, type AppServer } from "./app-server";
import { adminContext, launchChromium } from "./chromium";
import { createOwnedDatabase, startOwnedRedis, type OwnedService } from "./services";

// The built app embedded in the emulator's admin frame, in Chromium, over an owned
// database and Redis: everything a browser test needs, started and stopped together.

const API_KEY = "browser-test-key";
const API_SECRET = "browser-test-secret";

export type Shop = { domain: string; name: string; currencyCode: string; ianaTimezone: string };

export interface EmbeddedAdmin {
  db: ReturnType<typeof createPrisma>;
  emulator: Emulator;
  app: AppServer;
  page: Page;
  frame: FrameLocator;
  pageErrors: string[];
  /** Clicks an entry of the app's NavMenu as the admin shows it. */
  openNav: (label: string) => Promise<void>;
  close: () => Promise<void>;
}

export async function startEmbeddedAdmin(
  shop: Shop,
  seed: (db: ReturnType<typeof createPrisma>, owned: { databaseUrl: string }) => Promise<void>,
  options: { appEnv?: (emulator: Emulator) => Record<string, string> } = {},
): Promise<EmbeddedAdmin> {
  ensureBuild();
  const started: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const stop of started.reverse()) await stop();
  };
  try {
    const database: OwnedService = await createOwnedDatabase();
    started.push(database.stop);
    const redis: OwnedService = await startOwnedRedis();
    started.push(redis.stop);
    const db = createPrisma(database.url, 2);
    started.push(() => db.$disconnect());
    await seed(db, { databaseUrl: database.url });
    const appPort = await freePort();
    const appUrl = `http://127.0.0.1:${appPort}`;
    const emulator = await createEmulator(
      emulatorConfig({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, appUrl, defaultShop: shop.domain }),
    );
    started.push(() => emulator.close());
    emulator.store.createShop({ ...shop, planDisplayName: "Shopify Plus" });
    const app = await startAppServer(appPort, {
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      SHOPIFY_APP_URL: appUrl,
      SHOPIFY_API_ORIGIN: emulator.url,
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      ...options.appEnv?.(emulator),
    });
    started.push(() => app.stop());
    const browser: Browser = await launchChromium();
    started.push(() => browser.close());
    const context = await adminContext(browser, { width: 1440, height: 1100 });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${emulator.url}/admin-frame`);
    const frame = page.frameLocator("#app-frame");
    try {
      await frame.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor({ timeout: 90_000 });
    } catch (error) {
      throw new Error(`The dashboard did not render: ${String(error)}\n--- app output ---\n${app.output()}`);
    }
    const openNav = async (label: string) => {
      await page.getByTestId("app-nav").getByRole("link", { name: label, exact: true }).click();
    };
    return { db, emulator, app, page, frame, pageErrors, openNav, close };
  } catch (error) {
    await close();
    throw error;
  }
}
