import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleWebhookNode } from "~/webhooks/intake.server";
import { processWebhookEvent } from "~/webhooks/process.server";
import { signedDelivery } from "~tests/support/webhooks.server";
import { callRoute, type Answer } from "./answers";
import type { AppRoute } from "./route-table";
import { snapshot } from "./snapshot.server";
import { db, request, routesOf, unchanged, urlOf, useTwoShops } from "./suite.server";
import { A_MEMBER, adminToken, B, SHOP_A, SHOP_B } from "./two-shops.server";

// Every webhook route, through Remix and through server.js's direct path, against forged,
// missing, tampered and replayed signatures; and signed bodies replayed under the topics
// that erase or disconnect a shop, processed as the worker would.

const { reseed } = useTwoShops();

/** A signed delivery of shop A's customer update, as Shopify sends it. */
function delivery(overrides: { secret?: string; triggeredAt?: string } = {}) {
  return signedDelivery({
    topic: "customers/update",
    shop: SHOP_A,
    payload: {
      id: Number(A_MEMBER),
      email: "a-customer@example.com",
      admin_graphql_api_id: `gid://shopify/Customer/${A_MEMBER}`,
    },
    ...overrides,
  });
}

type Delivery = ReturnType<typeof delivery>;

/** The two ways a webhook reaches the app: the Remix route, and server.js's direct path. */
function webhookTargets(route: AppRoute) {
  let server: Server;
  let origin = "";
  beforeAll(async () => {
    server = createServer(handleWebhookNode);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return [
    {
      name: "the Remix route",
      send: (d: Delivery) =>
        callRoute(route, "POST", request(urlOf(route), "POST", { headers: d.headers, body: d.rawBody }), {}),
    },
    {
      name: "server.js's direct path",
      send: async (d: Delivery): Promise<Answer> => {
        const response = await fetch(`${origin}${route.pattern}`, {
          method: "POST",
          headers: d.headers,
          body: d.rawBody,
        });
        return { status: response.status, headers: response.headers, body: await response.text() };
      },
    },
  ];
}

describe.each(routesOf("webhook").map((route) => [route.pattern, route] as const))(
  "webhooks %s",
  (_name, route) => {
    const targets = webhookTargets(route);
    describe.each(targets.map((t) => [t.name, t] as const))("through %s", (_target, { send }) => {
      it("refuses a delivery signed with another secret", async () => {
        const answer = await unchanged(() => send(delivery({ secret: "not-the-app-secret" })));
        expect(answer.status).toBe(401);
      });

      it("refuses a signed body changed to name shop B's customer", async () => {
        const d = delivery();
        const body = JSON.parse(new TextDecoder().decode(d.rawBody)) as Record<string, unknown>;
        const tampered = {
          ...d,
          rawBody: new TextEncoder().encode(JSON.stringify({ ...body, id: Number(B.customerId) })),
        };
        expect((await unchanged(() => send(tampered))).status).toBe(401);
      });

      // Issue 11 finding #8: a missing HMAC is a failed authentication (401), not a bad request.
      it("refuses a delivery without an HMAC with 401", async () => {
        const d = delivery();
        d.headers.delete("X-Shopify-Hmac-Sha256");
        expect((await unchanged(() => send(d))).status).toBe(401);
      });

      // Same finding: an admin session token is not a webhook signature.
      it("refuses an admin session token in place of the HMAC with 401", async () => {
        const d = delivery();
        d.headers.delete("X-Shopify-Hmac-Sha256");
        d.headers.set("Authorization", `Bearer ${adminToken(SHOP_A)}`);
        expect((await unchanged(() => send(d))).status).toBe(401);
      });

      // Issue 11 finding #8 (branch poison): Shopify signs only the body, so shop A's signed
      // delivery replayed with shop B's domain header is today recorded into shop B.
      it.fails("refuses shop A's signed delivery replayed as shop B's", async () => {
        const d = delivery();
        d.headers.set("X-Shopify-Shop-Domain", SHOP_B);
        d.headers.set("X-Shopify-Webhook-Id", randomUUID());
        const answer = await unchanged(() => send(d));
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      });

      // Same finding: X-Shopify-Triggered-At must be fresh, so a delivery captured two days
      // ago is not recorded again under a new webhook id.
      it("refuses a signed delivery replayed two days later", async () => {
        const d = delivery({ triggeredAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
        const answer = await unchanged(() => send(d));
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      });
    });
  },
);

// Shopify signs only the body, so a body captured from any delivery can be sent again
// under another topic's header. The topics that erase or disconnect a shop must not act
// on a body that is not their own: the payload itself must say what it is and which shop.
describe("a signed body replayed under a destructive topic", () => {
  beforeEach(reseed);
  const route = routesOf("webhook")[0]!;
  const bOrder = {
    id: 99000000000101,
    name: "#BSECRET-1001",
    customer: { id: Number(B.customerId), email: "bsecret-customer@example.com" },
  };

  /** Sends the captured delivery with another topic (and shop) header, and processes whatever is recorded. */
  async function replay(captured: { topic: string; shop: string; payload: unknown }, topic: string) {
    const d = signedDelivery(captured);
    d.headers.set("X-Shopify-Topic", topic);
    d.headers.set("X-Shopify-Shop-Domain", SHOP_B);
    d.headers.set("X-Shopify-Webhook-Id", randomUUID());
    const sent = request(urlOf(route), "POST", { headers: d.headers, body: d.rawBody });
    const answer = await callRoute(route, "POST", sent, {});
    if (answer.status !== 200) return;
    const { eventId } = JSON.parse(answer.body) as { eventId: string };
    // A payload that is not the topic's fails for good; the error is on the inbox row.
    await processWebhookEvent(db, eventId).catch(() => undefined);
  }

  /** Shop B's rows, all but the inbox (which records the replayed delivery). */
  async function shopB() {
    const { WebhookEvent: _inbox, ...rest } = await snapshot(db, SHOP_B);
    return rest;
  }

  it("does not erase shop B when its order body is replayed as shop/redact", async () => {
    const before = await shopB();
    await replay({ topic: "orders/paid", shop: SHOP_B, payload: bOrder }, "shop/redact");
    expect(await shopB()).toEqual(before);
  });

  it("does not erase shop B when shop A's shop/redact body is replayed as B's", async () => {
    const before = await shopB();
    await replay(
      { topic: "shop/redact", shop: SHOP_A, payload: { shop_id: 1, shop_domain: SHOP_A } },
      "shop/redact",
    );
    expect(await shopB()).toEqual(before);
  });

  // customers/redact requires the payload's shop_domain to be the delivery's shop and
  // orders_to_redact to be present, as Shopify always sends them: an order body replayed
  // under it erases nothing.
  it("does not erase shop B's customer when an order body is replayed as customers/redact", async () => {
    const before = await shopB();
    await replay({ topic: "orders/paid", shop: SHOP_B, payload: bOrder }, "customers/redact");
    expect(await shopB()).toEqual(before);
  });

  // app/uninstalled requires the payload's myshopify_domain to be the delivery's shop, so
  // a replayed order body does not drop the shop's sessions.
  it("does not disconnect shop B when its order body is replayed as app/uninstalled", async () => {
    const before = await shopB();
    await replay({ topic: "orders/paid", shop: SHOP_B, payload: bOrder }, "app/uninstalled");
    expect(await shopB()).toEqual(before);
  });
});
