import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./server";
import { adminQuery, installApp, startTestEmulator, testClock, type TestClock } from "./testing";

const SHOP = "demo-loyalty.myshopify.com";
let emulator: Emulator;
let clock: TestClock;
let token: string;

beforeEach(async () => {
  clock = testClock();
  emulator = await startTestEmulator({ now: clock.now });
  token = await installApp(emulator, SHOP, clock.now());
});
afterEach(() => emulator.close());

describe("authentication", () => {
  it("answers 401 without a token, with an unknown token, and with another shop's header", async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { "X-Shopify-Access-Token": "shpat_unknown" },
      { "X-Shopify-Access-Token": token, "X-Shopify-Shop-Domain": "other.myshopify.com" },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${emulator.url}/admin/api/2025-10/graphql.json`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ query: "{ shop { name } }" }),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        errors: expect.stringContaining("Invalid API key or access token"),
      });
    }
  });

  it("rejects an expiring token once it has expired", async () => {
    const [issued] = emulator.store.tokens.list();
    expect(issued?.expiresAt).toBeNull();
    const expiring = emulator.store.tokens.issue({
      shop: SHOP,
      clientId: "emulator-test-key",
      kind: "offline",
      scope: "read_customers",
      lifetimeSeconds: 60,
      refreshLifetimeSeconds: null,
    });
    expect((await adminQuery(emulator, expiring.accessToken, "{ shop { id } }")).status).toBe(200);
    clock.advance(60_000);
    expect((await adminQuery(emulator, expiring.accessToken, "{ shop { id } }")).status).toBe(401);
  });
});

describe("queries", () => {
  it("answers shop with the seeded shop", async () => {
    const { body } = await adminQuery(
      emulator,
      token,
      "{ shop { name myshopifyDomain currencyCode ianaTimezone plan { displayName } } }",
    );
    expect(body.data).toEqual({
      shop: {
        name: "demo-loyalty",
        myshopifyDomain: SHOP,
        currencyCode: "USD",
        ianaTimezone: "America/New_York",
        plan: { displayName: "Basic" },
      },
    });
  });

  it("walks every customer exactly once with cursor pagination", async () => {
    emulator.store.addCustomers(
      SHOP,
      Array.from({ length: 23 }, (_, i) => ({ email: `c${i}@example.com` })),
    );
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { body } = await adminQuery(
        emulator,
        token,
        `query Page($after: String) { customers(first: 5, after: $after) { edges { cursor node { id email } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      const page = (
        body.data as {
          customers: {
            edges: Array<{ node: { email: string } }>;
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        }
      ).customers;
      seen.push(...page.edges.map((e) => e.node.email));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
  });

  it("filters with Shopify's search syntax and sorts by sortKey", async () => {
    emulator.store.addCustomers(SHOP, [
      { email: "old@example.com", firstName: "Zed", tags: ["vip"], updatedAt: "2024-01-01T00:00:00Z" },
      { email: "new@example.com", firstName: "Amy", tags: ["vip"], updatedAt: "2025-03-01T00:00:00Z" },
      { email: "other@example.com", firstName: "Bob", updatedAt: "2025-04-01T00:00:00Z" },
    ]);
    const emails = async (args: string) => {
      const { body } = await adminQuery(
        emulator,
        token,
        `{ customers(first: 10, ${args}) { nodes { email } } }`,
      );
      return (body.data as { customers: { nodes: Array<{ email: string }> } }).customers.nodes.map(
        (n) => n.email,
      );
    };
    expect(await emails(`query: "tag:vip updated_at:>=2025-01-01"`)).toEqual(["new@example.com"]);
    expect(await emails(`query: "tag:vip", sortKey: NAME`)).toEqual(["new@example.com", "old@example.com"]);
    expect(await emails(`query: "-tag:vip"`)).toEqual(["other@example.com"]);
    expect(await emails(`query: "email:old* OR email:other*"`)).toEqual([
      "old@example.com",
      "other@example.com",
    ]);
  });

  it("derives order money from lines and discount codes, and customer totals from orders", async () => {
    const [customer] = emulator.store.addCustomers(SHOP, [{ email: "buyer@example.com" }]);
    const [product] = emulator.store.addProducts(SHOP, [
      { title: "Coffee Beans", variants: [{ price: "12.50", sku: "BEAN" }] },
    ]);
    emulator.store.addOrders(SHOP, [
      {
        customerId: customer!.id,
        discountCodes: [{ code: "WELCOME5", amount: "5.00" }],
        lineItems: [
          { title: "Coffee Beans", quantity: 2, unitPrice: "12.50", variantId: product!.variants[0]!.id },
          { title: "Mug", quantity: 1, unitPrice: "15.00" },
        ],
        shippingPrice: "4.99",
        taxPrice: "3.20",
      },
      {
        customerId: customer!.id,
        lineItems: [{ title: "Mug", quantity: 1, unitPrice: "15.00" }],
        cancelledAt: "2025-06-01T13:00:00Z",
      },
    ]);
    const { body } = await adminQuery(
      emulator,
      token,
      `{ orders(first: 5, sortKey: ID) { nodes {
          name email customer { id numberOfOrders amountSpent { amount currencyCode } } discountCodes displayFinancialStatus
          currentSubtotalPriceSet { shopMoney { amount currencyCode } }
          totalDiscountsSet { shopMoney { amount } } totalPriceSet { shopMoney { amount } }
          lineItems(first: 5) { nodes { quantity product { id } variant { id sku } originalUnitPriceSet { shopMoney { amount } } discountedTotalSet { shopMoney { amount } } } }
      } } }`,
    );
    expect(body.errors).toBeUndefined();
    const [first, second] = (body.data as { orders: { nodes: Array<Record<string, unknown>> } }).orders.nodes;
    expect(first).toMatchObject({
      name: "#1001",
      email: "buyer@example.com",
      customer: {
        id: customer!.id,
        numberOfOrders: "2",
        amountSpent: { amount: "43.19", currencyCode: "USD" },
      },
      discountCodes: ["WELCOME5"],
      displayFinancialStatus: "PAID",
      currentSubtotalPriceSet: { shopMoney: { amount: "35.0", currencyCode: "USD" } },
      totalDiscountsSet: { shopMoney: { amount: "5.0" } },
      totalPriceSet: { shopMoney: { amount: "43.19" } },
      lineItems: {
        nodes: [
          {
            quantity: 2,
            product: { id: product!.id },
            variant: { id: product!.variants[0]!.id, sku: "BEAN" },
            originalUnitPriceSet: { shopMoney: { amount: "12.5" } },
            discountedTotalSet: { shopMoney: { amount: "21.87" } },
          },
          {
            quantity: 1,
            product: null,
            variant: null,
            originalUnitPriceSet: { shopMoney: { amount: "15.0" } },
            discountedTotalSet: { shopMoney: { amount: "13.13" } },
          },
        ],
      },
    });
    // The $5 code is allocated over lines in proportion to their value (25:15), cent remainders to the largest share.
    expect(second).toMatchObject({ name: "#1002" });
  });

  it("returns GraphQL errors for invalid queries and pagination misuse", async () => {
    const invalid = await adminQuery(emulator, token, "{ shop { nope } }");
    expect(invalid.status).toBe(200);
    expect(invalid.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining("nope") }),
    ]);
    const noSize = await adminQuery(emulator, token, "{ customers { nodes { id } } }");
    expect(noSize.body.errors).toEqual([
      expect.objectContaining({ message: "you must provide one of first or last" }),
    ]);
  });
});
