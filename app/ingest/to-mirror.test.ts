import { describe, expect, it } from "vitest";
import { refundedAmountsFromMirror } from "~/mirror/format";
import { orderPayload } from "./order-payload";
import { toMinor } from "./payload-common";
import { refundPayload } from "./refund-payload";
import { orderMirror, refundMirror } from "./to-mirror";

const bag = (amount: string, currency = "USD", presentment = amount, presentmentCurrency = currency) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount: presentment, currency_code: presentmentCurrency },
});

// An order paid in euros on a US-dollar shop, as Shopify's REST webhook sends it: a 10%
// order-level code allocated over the lines, and a free-shipping discount.
const order = {
  id: 5_123_456_789_012,
  admin_graphql_api_id: "gid://shopify/Order/5123456789012",
  name: "#1042",
  email: "",
  contact_email: "Buyer@Example.com",
  currency: "USD",
  presentment_currency: "EUR",
  created_at: "2025-10-01T08:00:00-04:00",
  updated_at: "2025-10-01T08:05:00-04:00",
  processed_at: "2025-10-01T08:00:00-04:00",
  financial_status: "paid",
  tags: "gift, vip ,",
  discount_codes: [{ code: "TENOFF", amount: "6.00", type: "percentage" }],
  subtotal_price_set: bag("54.00", "USD", "49.68", "EUR"),
  total_price_set: bag("58.32", "USD", "53.65", "EUR"),
  total_discounts_set: bag("6.00", "USD", "5.52", "EUR"),
  total_tax_set: bag("4.32", "USD", "3.97", "EUR"),
  total_shipping_price_set: bag("7.00", "USD", "6.44", "EUR"),
  line_items: [
    {
      id: 1,
      admin_graphql_api_id: "gid://shopify/LineItem/1",
      product_id: 632910392,
      variant_id: 808950810,
      title: "IPod Nano",
      quantity: 2,
      price: "25.00",
      price_set: bag("25.00", "USD", "23.00", "EUR"),
      gift_card: false,
      discount_allocations: [
        { amount: "5.00", amount_set: bag("5.00", "USD", "4.60", "EUR"), discount_application_index: 0 },
      ],
    },
    {
      id: 2,
      product_id: null,
      variant_id: null,
      title: "Gift card",
      quantity: 1,
      price: "10.00",
      price_set: bag("10.00", "USD", "9.20", "EUR"),
      gift_card: true,
      discount_allocations: [{ amount_set: bag("1.00", "USD", "0.92", "EUR") }],
    },
  ],
  shipping_lines: [
    {
      price: "7.00",
      price_set: bag("7.00", "USD", "6.44", "EUR"),
      discounted_price: "0.00",
      discounted_price_set: bag("0.00", "USD", "0.00", "EUR"),
    },
  ],
  customer: { id: 207119551, email: "buyer@example.com", tags: "" },
  company: { id: 42, location_id: 7 },
};

describe("orderMirror", () => {
  it("stores shop money in minor units, every discount allocation on its line, and shipping after discounts", () => {
    const mirror = orderMirror(orderPayload.parse(order));
    expect(mirror).toMatchObject({
      id: 5_123_456_789_012n,
      customerId: 207119551n,
      email: "Buyer@Example.com",
      currencyCode: "USD",
      subtotalMinor: 5400n,
      totalMinor: 5832n,
      totalDiscountsMinor: 600n,
      totalShippingMinor: 0n,
      totalTaxMinor: 432n,
      tags: ["gift", "vip"],
      discountCodes: ["TENOFF"],
      companyId: 42n,
      shopifyUpdatedAt: new Date("2025-10-01T12:05:00Z"),
    });
    expect(mirror.lineItems).toEqual([
      expect.objectContaining({
        id: "1",
        productId: "632910392",
        variantId: "808950810",
        priceMinor: 2500,
        quantity: 2,
        discountMinor: 500,
        giftCard: false,
      }),
      expect.objectContaining({
        id: "2",
        productId: null,
        priceMinor: 1000,
        discountMinor: 100,
        giftCard: true,
      }),
    ]);
  });

  it("takes the exact id from the gid when the JSON number has lost precision", () => {
    const mirror = orderMirror(
      orderPayload.parse({
        ...order,
        id: 820982911946154500,
        admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
      }),
    );
    expect(mirror.id).toBe(820982911946154508n);
  });

  it("rejects a payload without line items or timestamps", () => {
    expect(orderPayload.safeParse({ ...order, line_items: undefined }).success).toBe(false);
    expect(orderPayload.safeParse({ ...order, updated_at: "yesterday" }).success).toBe(false);
  });
});

describe("refundMirror", () => {
  const refund = {
    id: 929361464,
    order_id: 450789469,
    created_at: "2025-10-03T10:00:00-04:00",
    processed_at: "2025-10-03T10:00:00-04:00",
    note: "Damaged",
    refund_line_items: [
      {
        line_item_id: 1,
        quantity: 1,
        subtotal: "22.50",
        subtotal_set: bag("22.50"),
        total_tax: "1.80",
        total_tax_set: bag("1.80"),
      },
    ],
    order_adjustments: [
      {
        kind: "shipping_refund",
        amount: "-7.00",
        amount_set: bag("-7.00"),
        tax_amount: "-0.56",
        tax_amount_set: bag("-0.56"),
      },
      { kind: "refund_discrepancy", amount: "-2.00", amount_set: bag("-2.00") },
    ],
  };

  it("reads shipping from the shipping_refund adjustment on payloads without refund_shipping_lines", () => {
    const mirror = refundMirror(refundPayload.parse(refund), "USD");
    expect(mirror).toMatchObject({
      id: 929361464n,
      orderId: 450789469n,
      shippingMinor: 700n,
      totalMinor: 2250n + 180n + 700n + 56n - 200n,
    });
    expect(refundedAmountsFromMirror(mirror)).toEqual({ "line:1": 2250, shipping: 700, tax: 180 });
  });

  it("prefers refund_shipping_lines when present", () => {
    const mirror = refundMirror(
      refundPayload.parse({
        ...refund,
        order_adjustments: [],
        refund_shipping_lines: [{ subtotal_amount_set: bag("5.00"), tax_amount_set: bag("0.40") }],
      }),
      "USD",
    );
    expect(mirror.shippingMinor).toBe(500n);
  });
});

describe("toMinor", () => {
  it.each([
    ["25.0", "USD", 2500],
    ["9.99", "USD", 999],
    ["0.005", "USD", 1],
    ["-7.00", "USD", -700],
    ["1200", "JPY", 1200],
    ["1.2345", "KWD", 1235],
    [12.5, "USD", 1250],
  ] as const)("%s %s is %i minor units", (amount, currency, minor) => {
    expect(toMinor(amount, currency)).toBe(minor);
  });
});
