import { afterAll, beforeAll, expect } from "vitest";
import { feedbackToken } from "~/campaigns/feedback.server";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { redis } from "~/redis.server";
import { routeShopifyTo } from "~/shopify/emulator-origin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../emulator/server";
import { startTestEmulator } from "../../emulator/testing";
import type { Answer, Method } from "./answers";
import { appRoutes, type AppRoute } from "./route-table";
import { snapshot } from "./snapshot.server";
import { B, B_MARKER, hostParam, seedTwoShops, SHOP_B } from "./two-shops.server";

// The security suite's common ground. Every route of the app, taken from the route table
// Remix builds (route-table.ts), is classified here and attacked by the battery of its
// class (admin, proxy, webhooks, public and api test files): no credentials, broken
// session tokens, shop A's credentials aimed at shop B, broken or foreign proxy
// signatures, forged webhooks. Each attack must be refused with the precise answer
// Shopify's library or our contract gives, must not answer with shop B's data, and must
// leave the database as it was. A route that cannot be classified fails
// route-table.server.test.ts until someone decides which battery protects it.

export const db = prisma();
export const ROUTES = await appRoutes();
export const APP_URL = env().SHOPIFY_APP_URL;

export type RouteClass = "admin" | "proxy" | "webhook" | "api" | "public";

/** Routes anyone may call, each with why that is safe. Everything else needs credentials. */
export const PUBLIC_ROUTES: Record<string, string> = {
  root: "the document shell; it has no loader or action",
  "routes/_index": "the landing page; a ?shop= request is only redirected into /app, which authenticates",
  "routes/healthz": "liveness for load balancers: ok and latencies, nothing about any shop",
  "routes/readyz":
    "readiness for load balancers: services, worker heartbeats and schedules, nothing about any shop",
  "routes/auth.login": "the shop-domain form that starts Shopify's install; it reads none of our data",
  "routes/unsubscribe":
    "campaign emails' one-click unsubscribe: acts only on a token signed by the app for one shop, customer and address",
  "routes/twilio.inbound":
    "Twilio's inbound-SMS webhook (STOP/START): acts only on a request signed with the named shop's Twilio auth token (401 otherwise)",
  "routes/twilio.status":
    "Twilio's delivery status callback: acts only on a request signed with the named shop's Twilio auth token (401 otherwise)",
  "routes/campaigns.feedback.$token":
    "bounce and complaint reports: acts only for the shop whose app-signed token is in the URL (401 otherwise)",
  "routes/o.$token":
    "campaign emails' open pixel: always the same 1x1 GIF; records an open only for a token the app signed for one send",
  "routes/c.$token":
    "campaign emails' click redirect: redirects only to the URL the app signed with the send's id (400 otherwise, never an open redirect)",
  "routes/auth.$":
    "the library's auth pages (session-token bounce, exit-iframe); any other path authenticates as admin",
};

export function classify(route: AppRoute): RouteClass | null {
  if (route.id in PUBLIC_ROUTES) return "public";
  const under = (prefix: string) => route.pattern === prefix || route.pattern.startsWith(`${prefix}/`);
  if (under("/app")) return "admin";
  if (under("/proxy")) return "proxy";
  if (under("/webhooks")) return "webhook";
  if (under("/api")) return "api";
  return null;
}

export const routesOf = (kind: RouteClass) => ROUTES.filter((route) => classify(route) === kind);

export type Handler = { route: AppRoute; method: Method };

export const handlersOf = (kind: RouteClass): Handler[] =>
  routesOf(kind).flatMap((route) => [
    ...(route.loader ? [{ route, method: "GET" as Method }] : []),
    ...(route.action ? [{ route, method: "POST" as Method }] : []),
  ]);

/** describe.each rows: "GET /app/members" and the handler. */
export const casesOf = (kind: RouteClass) =>
  handlersOf(kind).map((h) => [`${h.method} ${h.route.pattern}`, h] as const);

/** Dynamic segments, filled with shop B's ids: what an attacker at shop A would try. */
export const B_PARAMS: Record<string, string> = {
  customerId: String(B.customerId),
  id: B.exportId,
  experimentId: B.experimentId,
  segmentId: B.savedSegmentId,
  campaignId: B.campaignId,
  // A feedback URL naming shop B, signed with another secret (as an attacker could make it).
  token: feedbackToken(SHOP_B, "not-the-app-secret"),
  "*": "session-token",
};

export function paramsOf(route: AppRoute): Record<string, string> {
  const names = [...route.pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (route.pattern.endsWith("*")) names.push("*");
  const missing = names.filter((name) => !(name in B_PARAMS));
  if (missing.length)
    throw new Error(`${route.id}: add shop B's value for :${missing.join(", :")} to B_PARAMS`);
  return Object.fromEntries(names.map((name) => [name, B_PARAMS[name]!]));
}

export function urlOf(route: AppRoute, query: URLSearchParams | string = ""): string {
  const path = route.pattern
    .replace(/:(\w+)/g, (_, name: string) => B_PARAMS[name]!)
    .replace(/\*$/, B_PARAMS["*"]!);
  const search = String(query);
  return `${APP_URL}${path}${search ? `?${search}` : ""}`;
}

export function request(url: string, method: Method, init: { headers?: HeadersInit; body?: BodyInit } = {}) {
  return new Request(url, {
    method,
    headers: init.headers,
    body: method === "POST" ? (init.body ?? "") : null,
  });
}

/** The query of an embedded admin page load: shop, host, and the session token when given. */
export function embeddedQuery(shop: string, idToken?: string) {
  const query = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop) });
  if (idToken) query.set("id_token", idToken);
  return query;
}

/** Runs the attack and checks that nothing changed in the database (or in one shop's rows). */
export async function unchanged(attack: () => Promise<Answer>, scope?: string): Promise<Answer> {
  const before = await snapshot(db, scope);
  const answer = await attack();
  expect(await snapshot(db, scope), `the database changed; the answer was ${answer.status}`).toEqual(before);
  expect(answer.body.toLowerCase()).not.toContain(B_MARKER);
  expect(answer.body).not.toContain(String(B.points));
  return answer;
}

/**
 * Shops A and B installed in an emulator the app's Shopify library talks to, for one test
 * file; `reseed` starts them over for tests that let an attack through.
 */
export function useTwoShops(): { reseed: () => Promise<void> } {
  let emulator: Emulator | undefined;
  const reseed = async () => {
    await resetDatabase(db);
    await seedTwoShops(db, emulator!);
  };
  beforeAll(async () => {
    await redis().flushdb();
    emulator = await startTestEmulator();
    routeShopifyTo(emulator.url);
    await reseed();
  });
  afterAll(async () => {
    await emulator?.close();
    // Jobs the attacks' legitimate side (shop A's own actions) enqueued.
    await redis().flushdb();
  });
  return { reseed };
}
