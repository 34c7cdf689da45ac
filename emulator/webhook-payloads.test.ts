import { describe, expect, it } from "vitest";
import {
  customerPayload as customerSchema,
  customerDeletePayload as deleteSchema,
} from "~/ingest/customer-payload";
import { refundedAmountsFromMirror } from "~/mirror/format";
import { orderPayload as orderSchema } from "~/ingest/order-payload";
import { productPayload as productSchema } from "~/ingest/product-payload";
import { refundPayload as refundSchema } from "~/ingest/refund-payload";
import { customerMirror, orderMirror, productMirror, refundMirror } from "~/ingest/to-mirror";
import { EmulatorStore } from "./store";
import {
  customerDeletePayload,
  customerPayload,
  orderPayload,
  productPayload,
  refundPayload,
} from "./webhook-payloads";

const SHOP = "payloads.myshopify.com";
const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

function world(currencyCode = "USD") {
  const store = new EmulatorStore(() => Date.parse("2025-10-01T12:00:00Z"));
  store.createShop({ domain: SHOP, currencyCode });
  const [ana] = store.addCustomers(SHOP, [
    {
      email: "ana@example.com",
      firstName: "Ana",
      tags: ["vip", "newsletter"],
      emailMarketingState: "SUBSCRIBED",
    },
  ]);
  const [mug] = store.addProducts(SHOP, [
    { title: "Mug", tags: ["kitchen"], variants: [{ title: "Blue", sku: "MUG-B", price: "12.5" }] },
  ]);
  const [order] = store.addOrders(SHOP, [
    {
      customerId: ana!.id,
      financialStatus: "PAID",
      discountCodes: [{ code: "TEN", amount: "10" }],
      lineItems: [
        { title: "Mug", quantity: 2, unitPrice: "12.5", variantId: mug!.variants[0]!.id },
        { title: "Gift wrap", quantity: 1, unitPrice: "5" },
      ],
      shippingPrice: "4.99",
      taxPrice: "2.4",
    },
  ]);
  return { ana: ana!, mug: mug!, order: order! };
}

describe("emulator webhook payloads", () => {
  it("renders orders the ingest schemas accept, with the same money in minor units", () => {
    const { ana, order } = world();
    const parsed = orderSchema.parse(roundTrip(orderPayload(order, { customer: ana })));
    const mirror = orderMirror(parsed);
    expect(mirror).toMatchObject({
      id: BigInt(order.legacyId),
      customerId: BigInt(ana.legacyId),
      currencyCode: "USD",
      financialStatus: "paid",
      discountCodes: ["TEN"],
      subtotalMinor: 2000n, // 25.00 + 5.00 − 10.00
      totalDiscountsMinor: 1000n,
      totalShippingMinor: 499n,
      totalTaxMinor: 240n,
      totalMinor: 2739n,
    });
    expect(mirror.lineItems.map((l) => [l.priceMinor, l.quantity, l.discountMinor])).toEqual([
      [1250, 2, 833],
      [500, 1, 167],
    ]);
    expect(mirror.lineItems[0]!.productId).toMatch(/^\d+$/);
    expect(mirror.lineItems[1]!.productId).toBeNull();
  });

  it("renders refunds (embedded and refunds/create) whose amounts are the lines' discounted shares", () => {
    const { order } = world();
    const line = order.lineItems[0]!;
    const spec = {
      id: 77,
      createdAt: "2025-10-03T00:00:00Z",
      lines: [{ lineItemId: line.legacyId, quantity: 1 }],
      shippingMinor: 499,
    };
    const refund = refundMirror(refundSchema.parse(roundTrip(refundPayload(order, spec))), "USD");
    expect(refund).toMatchObject({ id: 77n, orderId: BigInt(order.legacyId), shippingMinor: 499n });
    expect(refundedAmountsFromMirror(refund)).toEqual({
      [`line:${line.legacyId}`]: Math.round((2500 - 833) / 2),
      shipping: 499,
      tax: Math.round(200 / 2),
    });
    const embedded = orderSchema.parse(roundTrip(orderPayload(order, { refunds: [spec] })));
    expect(embedded.refunds).toHaveLength(1);
  });

  it("renders customers and products the ingest schemas accept", () => {
    const { ana, mug } = world();
    const customer = customerMirror(customerSchema.parse(roundTrip(customerPayload(ana, "USD"))));
    expect(customer).toMatchObject({
      id: BigInt(ana.legacyId),
      email: "ana@example.com",
      tags: ["vip", "newsletter"],
      emailConsent: true,
      shopifyUpdatedAt: new Date(ana.updatedAt),
    });
    expect(deleteSchema.parse(roundTrip(customerDeletePayload(ana))).id).toBe(ana.legacyId);
    const product = productMirror(productSchema.parse(roundTrip(productPayload(mug, "USD"))));
    expect(product).toMatchObject({
      id: BigInt(mug.legacyId),
      title: "Mug",
      tags: ["kitchen"],
      status: "active",
    });
  });

  it("keeps zero-decimal currencies exact", () => {
    const store = new EmulatorStore(() => Date.parse("2025-10-01T12:00:00Z"));
    store.createShop({ domain: SHOP, currencyCode: "JPY" });
    const [order] = store.addOrders(SHOP, [
      { financialStatus: "PAID", lineItems: [{ title: "Tea", quantity: 3, unitPrice: "1200" }] },
    ]);
    const mirror = orderMirror(orderSchema.parse(roundTrip(orderPayload(order!))));
    expect(mirror.subtotalMinor).toBe(3600n);
    expect(mirror.lineItems[0]!.priceMinor).toBe(1200);
  });
});
