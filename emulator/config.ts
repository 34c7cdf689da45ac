// Settings of one emulator instance. main.ts builds them from the environment; tests
// build them directly (port 0, a tiny throttle bucket, an injected clock).

export type Clock = () => number;

export type ThrottleSettings = {
  /** Size of the per shop+app leaky bucket, in cost points (Shopify: 2000 on standard plans). */
  maximumAvailable: number;
  /** Points restored per second (Shopify: 100 on standard plans). */
  restoreRate: number;
  /** Largest requested cost a single query may have (Shopify: 1000). */
  singleQueryMaxCost: number;
};

export type EmulatorConfig = {
  port: number;
  host: string;
  apiKey: string;
  apiSecret: string;
  /** Where the app listens; webhooks are posted to `${appUrl}/webhooks`. */
  appUrl: string;
  /** Seeded at start so the app has a shop to install on. */
  defaultShop: string;
  /** Scopes granted with every access token; must cover the app's SCOPES or the app re-authorizes. */
  scopes: string;
  /** API version stamped on webhooks when the sender names none. */
  webhookApiVersion: string;
  throttle: ThrottleSettings;
  /** Lifetime of expiring offline tokens and online tokens, and of refresh tokens. */
  tokenLifetimes: { offlineSeconds: number; onlineSeconds: number; refreshSeconds: number };
  now: Clock;
};

export const DEFAULT_SCOPES =
  "read_customers,write_customers,read_orders,read_products,write_discounts,read_discounts,write_app_proxy";

export function emulatorConfig(
  overrides: Partial<EmulatorConfig> & Pick<EmulatorConfig, "apiKey" | "apiSecret" | "appUrl">,
): EmulatorConfig {
  return {
    port: 4100,
    host: "127.0.0.1",
    defaultShop: "demo-loyalty.myshopify.com",
    scopes: DEFAULT_SCOPES,
    webhookApiVersion: "2025-10",
    throttle: { maximumAvailable: 2000, restoreRate: 100, singleQueryMaxCost: 1000 },
    // Shopify's values: expiring offline tokens last an hour, online tokens a day, refresh tokens 90 days.
    tokenLifetimes: { offlineSeconds: 3600, onlineSeconds: 86399, refreshSeconds: 7_776_000 },
    now: Date.now,
    ...overrides,
  };
}
