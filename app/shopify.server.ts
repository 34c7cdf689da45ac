import "@shopify/shopify-app-remix/adapters/node";
import type { Session } from "@shopify/shopify-api";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { backfillOnInstall } from "./backfill/start.server";
import { prisma, type PrismaClient } from "./db.server";
import { env } from "./env.server";
import { routeShopifyTo } from "./shopify/emulator-origin.server";
import { logLibraryLine } from "./shopify/library-log.server";
import { PrismaSessionStorage } from "./shopify/session-storage.server";
import type { AdminGraphql } from "./shopify/graphql.server";
import { recordInstall } from "./shopify/install.server";

// The one shopifyApp(...) call. The API version is pinned here and in shopify.app.toml.
export const API_VERSION = ApiVersion.October25;

const config = env();
if (config.SHOPIFY_API_ORIGIN) routeShopifyTo(config.SHOPIFY_API_ORIGIN);

// The library logs a line per authenticated request at Info (every app proxy call, every
// embedded page load); our own logger covers requests, so it speaks up from Warning, or
// everything when debugging, through our logger with session tokens masked.
const libraryLogLevel = ["debug", "trace"].includes(config.LOG_LEVEL)
  ? LogSeverity.Debug
  : ["fatal", "error", "silent"].includes(config.LOG_LEVEL)
    ? LogSeverity.Error
    : LogSeverity.Warning;

/** Records the install and starts the shop's first backfill (after auth and on the first admin load). */
export function recordShopInstall(db: PrismaClient, session: Session, graphql: AdminGraphql) {
  return recordInstall(db, session, graphql, (shop) => backfillOnInstall(db, shop));
}

const shopify = shopifyApp({
  logger: { level: libraryLogLevel, log: logLibraryLine },
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: config.SCOPES.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await recordShopInstall(prisma(), session, admin.graphql);
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
