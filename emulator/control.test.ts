import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./server";
import { installApp, startTestEmulator } from "./testing";

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startTestEmulator();
});
afterEach(() => emulator.close());

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${emulator.url}/_emulator${path}`, {
    method,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("control API", () => {
  it("creates a shop and fills it with products, customers and orders that reference them", async () => {
    const shop = await control("POST", "/shops", {
      domain: "cafe.myshopify.com",
      name: "Cafe",
      currencyCode: "EUR",
    });
    expect(shop).toMatchObject({
      status: 201,
      body: { shop: { domain: "cafe.myshopify.com", currencyCode: "EUR" } },
    });
    const products = await control("POST", "/shops/cafe.myshopify.com/products", [
      { title: "Espresso Cup", variants: [{ price: "8.00" }] },
    ]);
    expect(products.body.products).toEqual([
      expect.objectContaining({
        handle: "espresso-cup",
        id: expect.stringMatching(/^gid:\/\/shopify\/Product\/\d+$/),
      }),
    ]);
    const customers = await control("POST", "/shops/cafe.myshopify.com/customers", [
      { id: 42, email: "ana@example.com" },
    ]);
    expect(customers.body.customers).toEqual([expect.objectContaining({ id: "gid://shopify/Customer/42" })]);
    const orders = await control("POST", "/shops/cafe.myshopify.com/orders", [
      { customerId: 42, lineItems: [{ title: "Espresso Cup", quantity: 1, unitPrice: "8.00" }] },
    ]);
    expect(orders.body.orders).toEqual([
      expect.objectContaining({
        customerId: "gid://shopify/Customer/42",
        currencyCode: "EUR",
        name: "#1001",
      }),
    ]);
  });

  it("answers 400 with the failing fields for invalid input, and writes nothing", async () => {
    const bad = await control("POST", "/shops/demo-loyalty.myshopify.com/orders", [
      { lineItems: [{ title: "x", quantity: 0, unitPrice: "1" }] },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: "0.lineItems.0.quantity" })]);
    const dangling = await control("POST", "/shops/demo-loyalty.myshopify.com/orders", [
      { lineItems: [{ title: "x", quantity: 1, unitPrice: "1" }] },
      { customerId: 999, lineItems: [{ title: "x", quantity: 1, unitPrice: "1" }] },
    ]);
    expect(dangling).toMatchObject({ status: 400, body: { error: expect.stringContaining("customer 999") } });
    expect(emulator.store.requireShop("demo-loyalty.myshopify.com").orders.size).toBe(0);
    expect((await control("POST", "/shops/demo-loyalty.myshopify.com/customers", "{nope")).status).toBe(400);
  });

  it("answers 404 for an unknown shop or endpoint", async () => {
    expect((await control("POST", "/shops/nope.myshopify.com/customers", [])).status).toBe(404);
    expect((await control("GET", "/nothing")).status).toBe(404);
  });

  it("resets a shop's data but keeps its tokens, and lists issued tokens", async () => {
    const token = await installApp(emulator, "demo-loyalty.myshopify.com");
    emulator.store.addCustomers("demo-loyalty.myshopify.com", [{ email: "a@example.com" }]);
    await control("POST", "/shops/demo-loyalty.myshopify.com/reset");
    expect(emulator.store.requireShop("demo-loyalty.myshopify.com").customers.size).toBe(0);
    const tokens = await control("GET", "/tokens?shop=demo-loyalty.myshopify.com");
    expect(tokens.body.tokens).toEqual([
      expect.objectContaining({ accessToken: token, kind: "offline", shop: "demo-loyalty.myshopify.com" }),
    ]);
  });

  it("upserts records given an existing id", async () => {
    await control("POST", "/shops/demo-loyalty.myshopify.com/customers", [
      { id: 7, email: "old@example.com" },
    ]);
    await control("POST", "/shops/demo-loyalty.myshopify.com/customers", [
      { id: "gid://shopify/Customer/7", email: "new@example.com" },
    ]);
    const customers = emulator.store.requireShop("demo-loyalty.myshopify.com").customers;
    expect([...customers.values()].map((c) => c.email)).toEqual(["new@example.com"]);
  });
});
