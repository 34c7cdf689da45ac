import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "~/env.server";
import { signedProxyQuery } from "~/storefront/proxy-signature";
import { useDirectProxy } from "~tests/support/direct-proxy.server";
import { callRoute, type Answer, type Method } from "./answers";
import type { AppRoute } from "./route-table";
import { casesOf, paramsOf, request, unchanged, urlOf, useTwoShops } from "./suite.server";
import { A_MEMBER, A_REWARD, adminToken, B, SHOP_A, SHOP_B } from "./two-shops.server";

// Every app proxy route (/proxy/*, the storefront through Shopify's app proxy) against
// broken, stale, foreign and tampered signatures, and shop A's genuine signature naming
// shop B's customer, reward and redemption key: through the route modules (as Remix calls
// them) and through the production server's direct path over HTTP (ADR 0063), which must
// answer the same.

useTwoShops();

const direct = useDirectProxy();

/** The request sent to the direct path over HTTP, answered as the client sees it. */
async function callDirect(request: Request): Promise<Answer> {
  const url = new URL(request.url);
  const response = await fetch(`${direct.origin()}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body: request.method === "GET" ? undefined : await request.text(),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

const SECRET = env().SHOPIFY_API_SECRET;

/** A storefront request as Shopify's app proxy forwards it (signed query), with the redeem body. */
function proxyRequest(
  route: AppRoute,
  method: Method,
  query: URLSearchParams,
  init: { headers?: HeadersInit; redeem?: { rewardId: string; clientKey: string } } = {},
) {
  const redeem = init.redeem ?? { rewardId: A_REWARD, clientKey: randomUUID() };
  return request(urlOf(route, query), method, {
    headers: { "Content-Type": "application/json", ...init.headers },
    body: JSON.stringify(redeem),
  });
}

const signedFor = (customerId: bigint, overrides: { secret?: string; timestamp?: number } = {}) =>
  signedProxyQuery({ shop: SHOP_A, customerId, secret: SECRET, ...overrides });

/** What a proxy route answers a correctly signed request from shop A naming shop B's customer. */
const FOREIGN_CUSTOMER_ANSWERS: Record<string, { status: number; body: unknown }> = {
  // Shop A has never seen the customer: the widget's "join" state, nothing of shop B.
  "routes/proxy.status": { status: 200, body: { member: false, reason: "notEnrolled", currency: "USD" } },
  "routes/proxy.redeem": {
    status: 403,
    body: { error: { code: "not_member", message: expect.any(String) } },
  },
  // Shop A has no message for them: an empty inbox, nothing of shop B's.
  "routes/proxy.inbox GET": { status: 200, body: { unread: 0, messages: [] } },
  // The redeem body sent here is no inbox or birthday request: refused before any lookup
  // (the inbox's read request is malformed, the birthday's fields are missing).
  "routes/proxy.inbox POST": {
    status: 400,
    body: { error: { code: "invalid_request", message: expect.any(String), fields: expect.any(Object) } },
  },
  "routes/proxy.birthday POST": {
    status: 422,
    body: { error: { code: "invalid_request", message: expect.any(String), fields: expect.any(Object) } },
  },
};

async function expectProxyRefusal(answer: Answer, served: boolean) {
  if (!served) {
    expect(answer.status).toBe(405);
    return;
  }
  expect(answer.status, answer.body).toBe(401);
  expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "invalid_signature" } });
  expect(answer.headers.get("Cache-Control")).toBe("private, no-store");
}

const cases = casesOf("proxy").flatMap(([name, handler]) =>
  (["route", "direct"] as const).map((via) => [`${name} (${via})`, { ...handler, via }] as const),
);

describe.each(cases)("proxy %s", (_name, { route, method, via }) => {
  const params = paramsOf(route);
  const call = (query: URLSearchParams, init?: Parameters<typeof proxyRequest>[3]) => {
    const request = proxyRequest(route, method, query, init);
    return via === "route" ? callRoute(route, method, request, params) : callDirect(request);
  };
  // A method the route does not serve answers 405 before looking at the signature.
  let served: boolean;
  beforeAll(async () => {
    served = (await call(signedFor(A_MEMBER))).status !== 405;
  });

  it("refuses an unsigned request", async () => {
    const query = signedFor(B.customerId);
    query.delete("signature");
    await expectProxyRefusal(await unchanged(() => call(query)), served);
  });

  it("refuses a request signed with another secret", async () => {
    await expectProxyRefusal(await unchanged(() => call(signedFor(B.customerId, { secret: "x" }))), served);
  });

  it("refuses a correctly signed request replayed ten minutes later", async () => {
    const stale = Math.trunc(Date.now() / 1000) - 600;
    await expectProxyRefusal(
      await unchanged(() => call(signedFor(B.customerId, { timestamp: stale }))),
      served,
    );
  });

  it("refuses an admin session token in place of the proxy signature", async () => {
    const query = signedFor(B.customerId);
    query.delete("signature");
    const headers = { Authorization: `Bearer ${adminToken(SHOP_A)}` };
    await expectProxyRefusal(await unchanged(() => call(query, { headers })), served);
  });

  it("refuses shop A's signature with the shop changed to B", async () => {
    const query = signedFor(B.customerId);
    query.set("shop", SHOP_B);
    await expectProxyRefusal(await unchanged(() => call(query)), served);
  });

  it("answers shop A's signature naming shop B's customer as a stranger to shop A", async () => {
    const expected = served
      ? (FOREIGN_CUSTOMER_ANSWERS[`${route.id} ${method}`] ?? FOREIGN_CUSTOMER_ANSWERS[route.id])
      : { status: 405, body: expect.anything() };
    expect(expected, `say in FOREIGN_CUSTOMER_ANSWERS what ${route.id} answers`).toBeDefined();
    const answer = await unchanged(() => call(signedFor(B.customerId)));
    expect({ status: answer.status, body: JSON.parse(answer.body) }).toEqual(expected);
  });

  it("does not find shop B's redemption or reward through shop A's member", async () => {
    // The body names B's reward and replays B's idempotency key; the lookups are shop A's.
    const redeem = { rewardId: B.rewardId, clientKey: B.redemptionClientKey };
    const answer = await unchanged(() => call(signedFor(A_MEMBER), { redeem }), SHOP_B);
    expect(answer.body).not.toContain(B.code);
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
    if (served && route.id === "routes/proxy.redeem")
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "reward_not_found" } });
  });
});
