import "@shopify/shopify-api/adapters/node";
import { ApiVersion, GraphqlQueryError, RequestedTokenType, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeShopifyTo } from "../app/shopify/emulator-origin.server";
import type { Emulator } from "./server";
import { sessionToken, startTestEmulator, TEST_API_KEY, TEST_API_SECRET } from "./testing";

// End to end through Shopify's own library, exactly as the app reaches the emulator:
// token exchange, then Admin GraphQL with the resulting session, with every request to
// https://<shop>/admin/... rerouted by routeShopifyTo.

const SHOP = "demo-loyalty.myshopify.com";
let emulator: Emulator;

const api = shopifyApi({
  apiKey: TEST_API_KEY,
  apiSecretKey: TEST_API_SECRET,
  apiVersion: ApiVersion.October25,
  hostName: "127.0.0.1:3999",
  hostScheme: "http",
  isEmbeddedApp: true,
  scopes: ["read_customers", "read_orders"],
  logger: { level: 0, log: async () => {} },
});

beforeAll(async () => {
  emulator = await startTestEmulator({ scopes: "read_customers,read_orders" });
  routeShopifyTo(emulator.url);
  emulator.store.addCustomers(
    SHOP,
    Array.from({ length: 7 }, (_, i) => ({ email: `member${i}@example.com` })),
  );
});
afterAll(() => emulator.close());

async function offlineSession(expiring: boolean) {
  const { session } = await api.auth.tokenExchange({
    shop: SHOP,
    sessionToken: sessionToken(SHOP),
    requestedTokenType: RequestedTokenType.OfflineAccessToken,
    expiring,
  });
  return session;
}

describe("@shopify/shopify-api against the emulator", () => {
  it("exchanges a session token for an offline session the library considers active", async () => {
    const session = await offlineSession(true);
    expect(session).toMatchObject({
      shop: SHOP,
      isOnline: false,
      accessToken: expect.stringMatching(/^shpat_/),
    });
    expect(session.refreshToken).toMatch(/^shprt_/);
    expect(session.isActive(["read_customers", "read_orders"])).toBe(true);

    const { session: refreshed } = await api.auth.refreshToken({
      shop: SHOP,
      refreshToken: session.refreshToken!,
    });
    expect(refreshed.accessToken).not.toBe(session.accessToken);
  });

  it("queries shop and pages through customers with the library's GraphQL client", async () => {
    const client = new api.clients.Graphql({ session: await offlineSession(false) });
    const shop = await client.request<{ shop: { myshopifyDomain: string; plan: { displayName: string } } }>(
      "#graphql\n query { shop { myshopifyDomain plan { displayName } } }",
    );
    expect(shop.data?.shop).toEqual({ myshopifyDomain: SHOP, plan: { displayName: "Basic" } });
    expect(shop.extensions?.cost).toMatchObject({ requestedQueryCost: 2 });

    const emails: string[] = [];
    let after: string | null = null;
    do {
      const page: {
        data?: {
          customers: {
            nodes: Array<{ email: string }>;
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        };
      } = await client.request(
        `#graphql
          query Members($after: String) { customers(first: 3, after: $after) { nodes { email } pageInfo { hasNextPage endCursor } } }`,
        { variables: { after } },
      );
      emails.push(...(page.data?.customers.nodes.map((n) => n.email) ?? []));
      after = page.data?.customers.pageInfo.hasNextPage ? page.data.customers.pageInfo.endCursor : null;
    } while (after);
    expect(emails).toEqual(Array.from({ length: 7 }, (_, i) => `member${i}@example.com`));
  });

  it("surfaces GraphQL errors as the library's GraphqlQueryError", async () => {
    const client = new api.clients.Graphql({ session: await offlineSession(false) });
    await expect(client.request("query { shop { missingField } }")).rejects.toBeInstanceOf(GraphqlQueryError);
  });
});
