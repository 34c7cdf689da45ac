import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { env } from "~/env.server";
import { loadProgramPage } from "~/program/program-page.server";
import { redis } from "~/redis.server";
import { routeShopifyTo } from "~/shopify/emulator-origin.server";
import { signedProxyQuery } from "~/storefront/proxy-signature";
import { handleWebhookNode } from "~/webhooks/intake.server";
import { resetDatabase, signedDelivery } from "~/webhooks/testing.server";
import type { Emulator } from "../../emulator/server";
import { startTestEmulator } from "../../emulator/testing";
import { callRoute, type Answer, type Method } from "./answers";
import { appRoutes, type AppRoute } from "./route-table";
import { snapshot } from "./snapshot.server";
import { A_MEMBER, adminToken, B, B_MARKER, hostParam, seedTwoShops, SHOP_A, SHOP_B } from "./two-shops.server";

// Every route of the app, taken from the route table Remix builds (tests/security/route-table.ts),
// is classified and attacked: no credentials, broken session tokens, shop A's credentials
// aimed at shop B, broken or foreign proxy signatures, forged webhooks. Each attack must be
// refused with the precise answer Shopify's library or our contract gives, must not answer
// with shop B's data, and must leave the database as it was. A route this file cannot
// classify fails the suite until someone decides which battery protects it.

const db = prisma();
const ROUTES = await appRoutes();
const APP_URL = env().SHOPIFY_APP_URL;

type RouteClass = "admin" | "proxy" | "webhook" | "api" | "public";

/** Routes anyone may call, each with why that is safe. Everything else needs credentials. */
const PUBLIC_ROUTES: Record<string, string> = {
  root: "the document shell; it has no loader or action",
  "routes/_index": "the landing page; a ?shop= request is only redirected into /app, which authenticates",
  "routes/healthz": "liveness for load balancers: ok and latencies, nothing about any shop",
  "routes/auth.login": "the shop-domain form that starts Shopify's install; it reads none of our data",
  "routes/auth.$":
    "the library's auth pages (session-token bounce, exit-iframe); any other path authenticates as admin",
};

function classify(route: AppRoute): RouteClass | null {
  if (route.id in PUBLIC_ROUTES) return "public";
  const under = (prefix: string) => route.pattern === prefix || route.pattern.startsWith(`${prefix}/`);
  if (under("/app")) return "admin";
  if (under("/proxy")) return "proxy";
  if (under("/webhooks")) return "webhook";
  if (under("/api")) return "api";
  return null;
}

const routesOf = (kind: RouteClass) => ROUTES.filter((route) => classify(route) === kind);
const handlersOf = (kind: RouteClass) =>
  routesOf(kind).flatMap((route) => [
    ...(route.loader ? [{ route, method: "GET" as Method }] : []),
    ...(route.action ? [{ route, method: "POST" as Method }] : []),
  ]);
const caseName = ({ route, method }: { route: AppRoute; method: Method }) => `${method} ${route.pattern}`;

/** Dynamic segments, filled with shop B's ids: what an attacker at shop A would try. */
const B_PARAMS: Record<string, string> = {
  customerId: String(B.customerId),
  id: B.exportId,
  "*": "session-token",
};

function paramsOf(route: AppRoute): Record<string, string> {
  const names = [...route.pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (route.pattern.endsWith("*")) names.push("*");
  const missing = names.filter((name) => !(name in B_PARAMS));
  if (missing.length) throw new Error(`${route.id}: add shop B's value for :${missing.join(", :")} to B_PARAMS`);
  return Object.fromEntries(names.map((name) => [name, B_PARAMS[name]!]));
}

function urlOf(route: AppRoute, query: URLSearchParams | string = ""): string {
  const path = route.pattern.replace(/:(\w+)/g, (_, name: string) => B_PARAMS[name]!).replace(/\*$/, B_PARAMS["*"]!);
  const search = String(query);
  return `${APP_URL}${path}${search ? `?${search}` : ""}`;
}

/**
 * A valid form for each admin action, posted with shop A's session at shop B's ids. The
 * smuggled `shop` and `customerId` fields must change nothing: the shop comes from the
 * session token only.
 */
const CROSS_SHOP_FORMS: Record<string, () => Promise<Record<string, string>>> = {
  "routes/app._index": async () => ({ intent: "start-backfill", historyEarnsPoints: "false" }),
  "routes/app.members.$customerId": async () => ({
    points: "100",
    reason: "security suite",
    adjustmentId: randomUUID(),
  }),
  "routes/app.program": async () => {
    const page = await loadProgramPage(db, SHOP_A);
    return { basedOn: String(page.version), note: "security suite", program: JSON.stringify(page.draft) };
  },
  "routes/app.perks": async () => ({ discountClass: "PRODUCT", excludedProductTags: "" }),
};

async function formBody(route: AppRoute): Promise<URLSearchParams> {
  const form = CROSS_SHOP_FORMS[route.id];
  if (!form) throw new Error(`${route.id} has an action: add a valid form for it to CROSS_SHOP_FORMS`);
  return new URLSearchParams({ ...(await form()), shop: SHOP_B, customerId: String(B.customerId) });
}

function request(url: string, method: Method, init: { headers?: HeadersInit; body?: BodyInit } = {}) {
  return new Request(url, { method, headers: init.headers, body: method === "POST" ? (init.body ?? "") : null });
}

/** Runs the attack and checks that nothing changed in the database (or in shop B's rows). */
async function unchanged(attack: () => Promise<Answer>, scope?: string): Promise<Answer> {
  const before = await snapshot(db, scope);
  const answer = await attack();
  expect(await snapshot(db, scope), `the database changed; the answer was ${answer.status}`).toEqual(before);
  expect(answer.body.toLowerCase()).not.toContain(B_MARKER);
  expect(answer.body).not.toContain(String(B.points));
  return answer;
}

let emulator: Emulator;

beforeAll(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  emulator = await startTestEmulator();
  routeShopifyTo(emulator.url);
  await seedTwoShops(db, emulator);
});

afterAll(async () => {
  await emulator?.close();
  // The backfill the cross-shop dashboard action starts for shop A.
  await redis().flushdb();
});

describe("the route table", () => {
  it("has every route classified as admin, proxy, webhook, api or public", () => {
    const unclassified = ROUTES.filter((route) => classify(route) === null).map((r) => `${r.id} (${r.pattern})`);
    expect(unclassified, "classify these routes in tests/security/routes.server.test.ts").toEqual([]);
    expect(ROUTES.length).toBeGreaterThan(10);
  });

  it("lists as public only routes that exist", () => {
    const ids = new Set(ROUTES.map((route) => route.id));
    expect(Object.keys(PUBLIC_ROUTES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it("knows shop B's value for every dynamic segment and a form for every admin action", async () => {
    for (const route of ROUTES) paramsOf(route);
    for (const { route } of handlersOf("admin").filter((h) => h.method === "POST")) await formBody(route);
  });

  it("has every path that server.js answers outside Remix in the table, as the same class", () => {
    const direct = [...readFileSync("server.js", "utf8").matchAll(/req\.url === "([^"]+)"/g)].map((m) => m[1]!);
    expect(direct).toEqual(["/webhooks"]);
    for (const path of direct) {
      const route = ROUTES.find((r) => r.pattern === path);
      expect(route && classify(route), path).toBe("webhook");
    }
  });
});

const BROKEN_TOKENS = ["forged", "expired", "notYetValid", "wrongAudience", "unsigned"] as const;

function embeddedQuery(shop: string, idToken?: string) {
  const query = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop) });
  if (idToken) query.set("id_token", idToken);
  return query;
}

/** The library's answer to a document request without a usable session token: its bounce page. */
function expectBounce(answer: Answer, route: AppRoute) {
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get("Location")!, APP_URL);
  expect(location.pathname).toBe("/auth/session-token");
  expect(location.searchParams.get("shop")).toBe(SHOP_A);
  expect(location.searchParams.has("id_token")).toBe(false);
  const reload = new URL(location.searchParams.get("shopify-reload")!);
  expect(reload.origin + reload.pathname).toBe(new URL(urlOf(route)).href);
  expect(reload.searchParams.has("id_token")).toBe(false);
}

/** The library's answer to a fetch (App Bridge adds Authorization) with a bad token: retry with a new one. */
function expectRetry(answer: Answer) {
  expect(answer.status).toBe(401);
  expect(answer.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
  expect(answer.body).toBe("");
}

describe.each(handlersOf("admin").map((h) => [caseName(h), h] as const))("admin %s", (_name, { route, method }) => {
  const params = paramsOf(route);
  const call = (url: string, init?: { headers?: HeadersInit; body?: BodyInit }) =>
    callRoute(route, method, request(url, method, init), params);

  it("sends a request with no credentials to the login page", async () => {
    const answer = await unchanged(() => call(urlOf(route)));
    expect(answer.status).toBe(302);
    expect(answer.headers.get("Location")).toBe("/auth/login");
  });

  it("bounces an embedded document request without a session token", async () => {
    expectBounce(await unchanged(() => call(urlOf(route, embeddedQuery(SHOP_A)))), route);
  });

  it.each(BROKEN_TOKENS)("refuses a %s session token on a fetch request", async (broken) => {
    const headers = { Authorization: `Bearer ${adminToken(SHOP_A, broken)}` };
    expectRetry(await unchanged(() => call(urlOf(route), { headers })));
  });

  it.each(BROKEN_TOKENS)("bounces a document request with a %s session token", async (broken) => {
    expectBounce(await unchanged(() => call(urlOf(route, embeddedQuery(SHOP_A, adminToken(SHOP_A, broken))))), route);
  });

  it("serves shop A's session only shop A's data, at shop B's ids and with ?shop= naming B", async () => {
    const body = method === "POST" ? await formBody(route) : undefined;
    const headers = { Authorization: `Bearer ${adminToken(SHOP_A)}` };
    const answer = await unchanged(() => call(urlOf(route, `shop=${SHOP_B}`), { headers, body }), SHOP_B);
    if (Object.keys(params).length) expect(answer.status).toBe(404);
    else expect(answer.status, answer.body).toBeLessThan(500);
  });

  it("serves shop A's session token only shop A's data on an embedded document naming shop B", async () => {
    const query = embeddedQuery(SHOP_B, adminToken(SHOP_A));
    const body = method === "POST" ? await formBody(route) : undefined;
    const answer = await unchanged(() => call(urlOf(route, query), { body }), SHOP_B);
    if (Object.keys(params).length) expect(answer.status).toBe(404);
    else expect(answer.status, answer.body).toBeLessThan(500);
  });
});
