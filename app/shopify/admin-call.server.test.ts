import "@shopify/shopify-api/adapters/node";
import { ApiVersion, Session, shopifyApi } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planFaults } from "../../emulator/graphql/faults";
import type { Emulator } from "../../emulator/server";
import {
  adminQuery,
  installApp,
  startTestEmulator,
  TEST_API_KEY,
  TEST_API_SECRET,
} from "../../emulator/testing";
import { adminCall, waitForBucket } from "./admin-call.server";
import { routeShopifyTo } from "./emulator-origin.server";
import type { AdminGraphql } from "./graphql.server";

// adminCall must classify answers the same whether they come back (a plain fetch) or are
// thrown, as @shopify/shopify-app-remix's admin.graphql does: this builds that client the
// way the library's graphqlClientFactory does and drives it against the emulator.

const SHOP = "admin-call.myshopify.com";
let emulator: Emulator;
let token: string;

const api = shopifyApi({
  apiKey: TEST_API_KEY,
  apiSecretKey: TEST_API_SECRET,
  apiVersion: ApiVersion.October25,
  hostName: "127.0.0.1:3999",
  hostScheme: "http",
  isEmbeddedApp: true,
  logger: { level: 0, log: async () => {} },
});

function libraryGraphql(): AdminGraphql {
  const session = new Session({
    id: `offline_${SHOP}`,
    shop: SHOP,
    state: "",
    isOnline: false,
    accessToken: token,
  });
  return async (query, options) => {
    const client = new api.clients.Graphql({ session });
    return new Response(
      JSON.stringify(await client.request(query, { variables: options?.variables, retries: 0 })),
    );
  };
}

beforeAll(async () => {
  emulator = await startTestEmulator({
    throttle: { maximumAvailable: 20, restoreRate: 1, singleQueryMaxCost: 20 },
  });
  emulator.store.createShop({ domain: SHOP });
  routeShopifyTo(emulator.url);
  token = await installApp(emulator, SHOP);
});
afterAll(() => emulator.close());

const DELETE = `mutation($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId } }`;

describe("adminCall through the Shopify library's client", () => {
  it("returns data with the cost extension, then classifies 5xx, GraphQL errors and THROTTLED", async () => {
    const graphql = libraryGraphql();
    const ok = await adminCall<{ shop: { name: string } }>(graphql, "Shop", "{ shop { name } }");
    expect(ok).toMatchObject({
      ok: true,
      data: { shop: { name: "admin-call" } },
      cost: { requestedQueryCost: 1 },
    });

    planFaults(emulator.store.requireShop(SHOP), {
      mutations: ["discountCodeDelete"],
      kind: "serverError",
      count: 1,
    });
    expect(
      await adminCall(graphql, "Delete", DELETE, { id: "gid://shopify/DiscountCodeNode/1" }),
    ).toMatchObject({
      ok: false,
      kind: "transient",
    });
    expect(await adminCall(graphql, "Broken", "{ shop { nope } }")).toMatchObject({
      ok: false,
      kind: "failed",
    });

    while ((await adminQuery(emulator, token, "{ shop { id } }")).body.errors === undefined);
    const throttled = await adminCall(graphql, "Delete", DELETE, { id: "gid://shopify/DiscountCodeNode/1" });
    expect(throttled).toMatchObject({ ok: false, kind: "throttled", cost: { requestedQueryCost: 10 } });
    if (throttled.ok || throttled.kind !== "throttled") throw new Error("unreachable");
    // With restoreRate 1/s, waiting for a 10-point mutation takes roughly the missing points in seconds.
    const wait = waitForBucket(throttled.cost!.throttleStatus, 10);
    expect(wait).toBeGreaterThan(8_000);
    expect(wait).toBeLessThanOrEqual(10_000);
  });

  it("calls a failed network a transient failure", async () => {
    const down: AdminGraphql = () => Promise.reject(new TypeError("fetch failed"));
    expect(await adminCall(down, "Shop", "{ shop { name } }")).toMatchObject({
      ok: false,
      kind: "transient",
    });
  });
});
