import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server";
import { startTestEmulator } from "../testing";

// What the admin frame's resource picker lists, through the emulator's real server, with
// collections added through the control API as the simulator's catalogue adds them.
let emulator: Emulator;
const SHOP = "picker-shop.myshopify.com";

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP, currencyCode: "USD" });
  emulator.store.addProducts(SHOP, [
    {
      id: 11,
      title: "Harbor mug",
      productType: "Kitchen",
      variants: [
        { id: 111, title: "Blue", sku: "MUG-B", price: "18.00" },
        { id: 112, title: "Sand", sku: "MUG-S", price: "18.00" },
      ],
    },
    { id: 12, title: "Canvas tote", variants: [{ id: 121, title: "Default Title", price: "35.50" }] },
    {
      id: 13,
      title: "Old mug",
      status: "ARCHIVED",
      variants: [{ id: 131, title: "Default Title", price: "5.00" }],
    },
  ]);
  const response = await fetch(`${emulator.url}/_emulator/shops/${SHOP}/collections`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify([
      { id: 21, title: "Kitchen", productIds: [11] },
      { id: 22, title: "Gift Guide", productIds: [11, "gid://shopify/Product/12"] },
    ]),
  });
  expect(response.status).toBe(201);
});
afterAll(() => emulator.close());

const list = async (type: string, query = "") => {
  const params = new URLSearchParams({ shop: SHOP, type, query });
  const response = await fetch(`${emulator.url}/admin-frame/resources?${params}`);
  return {
    status: response.status,
    body: (await response.json()) as { items?: Array<Record<string, unknown>> },
  };
};

describe("the admin frame's resource picker data", () => {
  it("lists active products with their variants, searched by title or SKU", async () => {
    const all = await list("product");
    expect(all.body.items!.map((p) => p.title)).toEqual(["Harbor mug", "Canvas tote"]);
    const bySku = await list("product", "mug-s");
    expect(bySku.body.items).toEqual([
      expect.objectContaining({
        id: "gid://shopify/Product/11",
        variants: [
          expect.objectContaining({
            id: "gid://shopify/ProductVariant/111",
            displayName: "Harbor mug - Blue",
          }),
          expect.objectContaining({ id: "gid://shopify/ProductVariant/112", price: "18.0" }),
        ],
      }),
    ]);
  });

  it("lists variants with their product, as the variant picker returns them", async () => {
    const { body } = await list("variant", "tote");
    expect(body.items).toEqual([
      {
        id: "gid://shopify/ProductVariant/121",
        title: "Default Title",
        displayName: "Canvas tote - Default Title",
        sku: null,
        price: "35.5",
        product: { id: "gid://shopify/Product/12", title: "Canvas tote" },
      },
    ]);
  });

  it("lists collections with their product counts", async () => {
    const { body } = await list("collection", "gift");
    expect(body.items).toEqual([
      { id: "gid://shopify/Collection/22", title: "Gift Guide", handle: "gift-guide", productsCount: 2 },
    ]);
  });

  it("refuses an unknown type or shop, and a collection of a product the shop lacks", async () => {
    expect((await list("customer")).status).toBe(400);
    const params = new URLSearchParams({ shop: "nobody.myshopify.com", type: "product" });
    expect((await fetch(`${emulator.url}/admin-frame/resources?${params}`)).status).toBe(404);
    const refused = await fetch(`${emulator.url}/_emulator/shops/${SHOP}/collections`, {
      method: "POST",
      body: JSON.stringify([{ title: "Ghosts", productIds: [999] }]),
    });
    expect(refused.status).toBe(400);
    expect((await list("collection")).body.items).toHaveLength(2);
  });
});
