import { describe, expect, it } from "vitest";
import { env } from "~/env.server";
import { callRoute } from "./answers";
import {
  APP_URL,
  casesOf,
  embeddedQuery,
  type Handler,
  paramsOf,
  request,
  ROUTES,
  unchanged,
  urlOf,
  useTwoShops,
} from "./suite.server";
import { adminToken, SHOP_A, SHOP_B } from "./two-shops.server";

// The routes anyone may call (PUBLIC_ROUTES, each with its reason) and the public API
// routes to come: whatever credentials they are shown, they write nothing and show
// nothing of shop B.

useTwoShops();

// The public REST API (app/api, routes api.*) does not exist yet. When its first route
// lands it is attacked here: without its credentials nothing is answered or written.
const API_CASES: Array<readonly [string, Handler | null]> = casesOf("api");
describe.skipIf(API_CASES.length === 0).each(API_CASES.length ? API_CASES : [["(none yet)", null]])(
  "api %s",
  (_name, handler) => {
    const call = (headers: HeadersInit = {}) =>
      callRoute(
        handler!.route,
        handler!.method,
        request(urlOf(handler!.route), handler!.method, { headers }),
        paramsOf(handler!.route),
      );

    it("refuses a request without credentials", async () => {
      expect([401, 403]).toContain((await unchanged(() => call())).status);
    });

    it.each([
      ["a made-up key", "Bearer not-a-key"],
      ["a forged session token", `Bearer ${adminToken(SHOP_A, "forged")}`],
      ["shop A's admin session token", `Bearer ${adminToken(SHOP_A)}`],
    ])("refuses %s", async (_label, authorization) => {
      expect([401, 403]).toContain((await unchanged(() => call({ Authorization: authorization }))).status);
    });
  },
);

describe("the login route", () => {
  const login = ROUTES.find((route) => route.id === "routes/auth.login")!;
  const post = (body: BodyInit, headers: HeadersInit = {}) =>
    callRoute(login, "POST", request(urlOf(login), "POST", { body, headers }), {});

  it("sends a submitted shop domain to Shopify's install page", async () => {
    const answer = await post(new URLSearchParams({ shop: "security-c" }));
    expect(answer.status).toBe(302);
    expect(answer.headers.get("Location")).toBe(
      `https://admin.shopify.com/store/security-c/oauth/install?client_id=${env().SHOPIFY_API_KEY}`,
    );
  });

  it("answers a body that is not a form, or a shop that is a file, with the missing-shop message", async () => {
    const json = await post(JSON.stringify({ shop: SHOP_B }), { "Content-Type": "application/json" });
    const file = new FormData();
    file.set("shop", new File(["x"], "shop.txt"));
    for (const answer of [json, await post(file)]) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ errors: { shop: "Enter your store's domain to log in" } });
    }
  });
});

describe("the library's auth pages", () => {
  const auth = ROUTES.find((route) => route.id === "routes/auth.$")!;
  const get = (path: string, query: Record<string, string>) =>
    unchanged(() =>
      callRoute(auth, "GET", request(`${APP_URL}${path}?${new URLSearchParams(query)}`, "GET"), {
        "*": path.slice("/auth/".length),
      }),
    );

  it("refuse to leave the frame for a destination outside the app and the admin, with 400", async () => {
    const answer = await get("/auth/exit-iframe", { shop: SHOP_A, exitIframe: "https://evil.example/phish" });
    expect(answer.status).toBe(400);
    expect(answer.headers.get("Location")).toBeNull();
    expect(answer.body).not.toContain("evil.example");
  });

  it("render the exit-iframe page for a destination in Shopify admin", async () => {
    const destination = "https://admin.shopify.com/store/security-a/apps";
    const answer = await get("/auth/exit-iframe", { shop: SHOP_A, exitIframe: destination });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain(destination);
  });
});

describe.each(casesOf("public"))("public %s", (_name, { route, method }) => {
  const params = paramsOf(route);
  const attempts: Array<[string, () => Request]> = [
    ["no credentials", () => request(urlOf(route), method)],
    ["?shop= naming shop B", () => request(urlOf(route, `shop=${SHOP_B}`), method)],
    [
      "shop A's session token naming shop B",
      () =>
        request(urlOf(route, embeddedQuery(SHOP_B)), method, {
          headers: { Authorization: `Bearer ${adminToken(SHOP_A)}` },
        }),
    ],
    [
      "a forged session token",
      () => request(urlOf(route, embeddedQuery(SHOP_B, adminToken(SHOP_B, "forged"))), method),
    ],
  ];
  it.each(attempts)("writes nothing and shows nothing of shop B to %s", async (_attempt, build) => {
    const answer = await unchanged(() => callRoute(route, method, build(), params));
    // A readiness probe answers 503 while no worker runs (none does here): that is its answer.
    const ceiling = route.id === "routes/readyz" ? 504 : 500;
    expect(answer.status, answer.body).toBeLessThan(ceiling);
  });
});
