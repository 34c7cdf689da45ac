import { beforeEach, describe, expect, it } from "vitest";
import { resetDatabase } from "~tests/support/webhooks.server";
import { createWorld } from "~tests/support/test-world.server";
import { productPayload } from "../../emulator/webhook-payloads";

// products/create and products/update mirror the variants' price and stock on hand (null when
// Shopify does not track it); the unit cost is not in the REST product, so a cost the bulk
// backfill stored stays; an older payload changes nothing.

const SHOP = "product-variants.myshopify.com";
const w = createWorld(SHOP);
const { db } = w;

beforeEach(async () => {
  await resetDatabase(db);
  w.store.resetShop(SHOP);
  await w.setup({});
});

describe("product webhooks mirror variants", () => {
  it("writes price and inventory, keeps the unit cost, ignores an older delivery", async () => {
    const [mug] = w.store.addProducts(SHOP, [
      {
        title: "Mug",
        updatedAt: "2025-10-01T00:00:00Z",
        variants: [
          { price: "12.50", inventoryQuantity: 9, unitCost: "4.00" },
          { title: "Large", price: "15.00" },
        ],
      },
    ]);
    const payload = productPayload(mug!, "USD");
    expect(await w.deliver({ topic: "products/create", payload })).toBe("processed");
    const [small] = mug!.variants;
    await db.productVariant.update({
      where: { shop_id: { shop: SHOP, id: BigInt(small!.legacyId) } },
      data: { unitCostMinor: 400n },
    });
    const newer = {
      ...payload,
      updated_at: "2025-10-02T00:00:00Z",
      variants: payload.variants.map((v, i) =>
        i === 0 ? { ...v, price: "11.00", inventory_quantity: 3 } : v,
      ),
    };
    expect(await w.deliver({ topic: "products/update", payload: newer })).toBe("processed");
    const older = {
      ...payload,
      updated_at: "2025-09-01T00:00:00Z",
      variants: [{ ...payload.variants[0]!, price: "1.00" }],
    };
    expect(await w.deliver({ topic: "products/update", payload: older })).toBe("processed");
    const rows = await db.productVariant.findMany({ where: { shop: SHOP }, orderBy: { id: "asc" } });
    expect(rows.map((v) => [v.productId, v.priceMinor, v.inventoryQuantity, v.unitCostMinor])).toEqual([
      [BigInt(mug!.legacyId), 1100n, 3, 400n],
      [BigInt(mug!.legacyId), 1500n, null, null],
    ]);
  });
});
