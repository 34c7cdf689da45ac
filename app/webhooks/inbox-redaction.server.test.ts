import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { orderPayload as orderSchema } from "~/ingest/order-payload";
import { refundPayload as refundSchema } from "~/ingest/refund-payload";
import { customerPayload as customerSchema } from "~/ingest/customer-payload";
import { orderMirror, refundMirror, customerMirror } from "~/ingest/to-mirror";
import { rememberRedacted } from "~/privacy/redacted-identities.server";
import { processWebhookEvent } from "./process.server";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";

// The inbox side of customers/redact (migration 20261206010000_redaction_marks): a delivery
// for someone erased is stored without personal data, in a shape ingest still processes.

const db = prisma();
const SHOP = "inbox-redaction.myshopify.com";
const OTHER = "inbox-redaction-other.myshopify.com";
const EMAIL = "Ada.Lindqvist@example.com";

const money = (amount: string) => ({
  shop_money: { amount, currency_code: "EUR" },
  presentment_money: { amount, currency_code: "EUR" },
});
const address = { name: "Ada Lindqvist", address1: "3 Saltmarsh Row", phone: "+46700000001", zip: "11122" };

function order(id: number, overrides: Record<string, unknown> = {}) {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email: EMAIL,
    contact_email: EMAIL,
    phone: "+46700000001",
    currency: "EUR",
    created_at: "2025-11-01T10:00:00Z",
    updated_at: "2025-11-02T10:00:00Z",
    processed_at: "2025-11-01T10:00:00Z",
    financial_status: "partially_refunded",
    note: "Ada asked for gift wrap",
    note_attributes: [{ name: "gift", value: "For Ada" }],
    tags: "gift, ada-vip",
    browser_ip: "192.0.2.4",
    client_details: { browser_ip: "192.0.2.4", accept_language: "sv" },
    discount_codes: [{ code: "LOYAL-5", amount: "5.00" }],
    subtotal_price_set: money("30.00"),
    total_price_set: money("36.50"),
    total_tax_set: money("1.50"),
    total_discounts_set: money("5.00"),
    total_shipping_price_set: money("5.00"),
    line_items: [
      {
        id: id * 10,
        product_id: 7,
        variant_id: 70,
        title: "Linen Apron",
        variant_title: "Sand",
        sku: "AP-1",
        quantity: 1,
        price: "35.00",
        price_set: money("35.00"),
        gift_card: false,
        discount_allocations: [{ amount: "5.00", amount_set: money("5.00") }],
        properties: [{ name: "Monogram", value: "A.L." }],
      },
    ],
    shipping_lines: [
      { phone: "+46700000001", price_set: money("5.00"), discounted_price_set: money("5.00") },
    ],
    refunds: [refund(id * 100, id)],
    customer: {
      id: 41,
      email: EMAIL,
      first_name: "Ada",
      last_name: "Lindqvist",
      tags: "vip",
      default_address: address,
    },
    company: null,
    shipping_address: address,
    billing_address: address,
    fulfillments: [{ id: 1, tracking_number: "RR123456785SE", tracking_urls: ["https://t.example/RR123"] }],
    ...overrides,
  };
}

function refund(id: number, orderId: number) {
  return {
    id,
    order_id: orderId,
    created_at: "2025-11-02T10:00:00Z",
    note: "Ada returned it, stained",
    refund_line_items: [
      { line_item_id: orderId * 10, quantity: 1, subtotal_set: money("30.00"), total_tax_set: money("1.50") },
    ],
    order_adjustments: [],
    transactions: [
      { kind: "refund", receipt: { payer_email: EMAIL }, payment_details: { credit_card_name: "Ada" } },
    ],
  };
}

const customer = {
  id: 41,
  email: EMAIL,
  phone: "+46700000001",
  first_name: "Ada",
  last_name: "Lindqvist",
  note: "Prefers Swedish",
  tags: "vip, ada-vip",
  updated_at: "2025-11-02T10:00:00Z",
  email_marketing_consent: { state: "subscribed" },
  addresses: [address],
  default_address: address,
};

const PERSONAL = ["ada", "lindqvist", "saltmarsh", "+46700000001", "192.0.2.4", "rr123", "a.l."];

async function erase(who: { customerIds?: bigint[]; orderIds?: bigint[]; emails?: string[] }, shop = SHOP) {
  await db.$transaction((tx) =>
    rememberRedacted(tx, shop, { customerIds: [], orderIds: [], emails: [], ...who }, new Date()),
  );
}

const stored = async (id: string) => (await db.webhookEvent.findUniqueOrThrow({ where: { id } })).payload;
const personalIn = (payload: unknown) =>
  PERSONAL.filter((v) => JSON.stringify(payload).toLowerCase().includes(v.toLowerCase()));

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "EUR" } });
});

describe("redact_webhook_payload", () => {
  it.each([
    ["orders/updated", order(8001), orderSchema, (p: never) => orderMirror(p)],
    ["refunds/create", refund(8101, 8001), refundSchema, (p: never) => refundMirror(p, "EUR")],
    ["customers/update", customer, customerSchema, (p: never) => customerMirror(p)],
  ] as const)(
    "erases %s without changing what ingest reads but personal fields",
    async (_topic, payload, schema, mirror) => {
      const [row] = await db.$queryRaw<{ erased: unknown }[]>`
        SELECT "redact_webhook_payload"(${JSON.stringify(payload)}::jsonb) AS "erased"`;
      const erased = row!.erased;
      expect(personalIn(erased)).toEqual([]);
      const before = mirror(schema.parse(payload) as never) as unknown as Record<string, unknown>;
      const after = mirror(schema.parse(erased) as never) as unknown as Record<string, unknown>;
      const personal = [
        "email",
        "phone",
        "firstName",
        "lastName",
        "note",
        "tags",
        "shippingAddress",
        "billingAddress",
      ];
      const without = (m: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(m).filter(([k]) => !personal.includes(k)));
      expect(without(after)).toEqual(without(before));
      for (const key of personal.filter((k) => k in after))
        expect(after[key]).toSatisfy((v: unknown) => v === null || (Array.isArray(v) && v.length === 0));
    },
  );
});

describe("the inbox trigger", () => {
  it("stores a delivery naming an erased customer, order or email without personal data", async () => {
    await erase({ customerIds: [41n], orderIds: [8002n], emails: [EMAIL] });
    const byCustomer = await recordDelivery(db, { shop: SHOP, topic: "customers/update", payload: customer });
    const byOrder = await recordDelivery(db, {
      shop: SHOP,
      topic: "orders/updated",
      payload: order(8002, { email: null, contact_email: null, customer: null }),
    });
    const byEmail = await recordDelivery(db, {
      shop: SHOP,
      topic: "orders/create",
      payload: order(8003, { email: ` ${EMAIL.toUpperCase()} `, contact_email: null, customer: null }),
    });
    for (const id of [byCustomer, byOrder, byEmail]) expect(personalIn(await stored(id))).toEqual([]);
    // The new order is marked too, so its refunds, which name only the order, follow.
    const laterRefund = await recordDelivery(db, {
      shop: SHOP,
      topic: "refunds/create",
      payload: refund(8301, 8003),
    });
    expect(personalIn(await stored(laterRefund))).toEqual([]);
    expect(await db.redactedIdentity.count({ where: { shop: SHOP, kind: "order", value: "8003" } })).toBe(1);
  });

  it("leaves other customers, other shops and the redaction request itself as they came", async () => {
    await erase({ customerIds: [41n], emails: [EMAIL] });
    await db.shop.create({ data: { domain: OTHER } });
    const otherShop = await recordDelivery(db, { shop: OTHER, topic: "orders/create", payload: order(8004) });
    const otherCustomer = await recordDelivery(db, {
      shop: SHOP,
      topic: "orders/create",
      payload: order(8005, { email: "bo@example.com", contact_email: null, customer: { id: 42 } }),
    });
    const request = await recordDelivery(db, {
      shop: SHOP,
      topic: "customers/redact",
      payload: { shop_domain: SHOP, customer: { id: 41, email: EMAIL }, orders_to_redact: [] },
    });
    expect(personalIn(await stored(otherShop))).toEqual(PERSONAL);
    expect(await stored(otherCustomer)).toMatchObject({
      email: "bo@example.com",
      note: "Ada asked for gift wrap",
    });
    expect(await stored(request)).toMatchObject({ customer: { email: EMAIL } });
  });

  it("erases a delivery recorded just before the redaction committed when it is processed, mirror included", async () => {
    // Recorded while the redaction was running: the marks were not visible yet.
    const id = await recordDelivery(db, {
      shop: SHOP,
      topic: "orders/create",
      payload: order(8006, { customer: null }),
    });
    expect(personalIn(await stored(id))).not.toEqual([]);
    await erase({ emails: [EMAIL] });

    expect(await processWebhookEvent(db, id)).toBe("processed");
    expect(personalIn(await stored(id))).toEqual([]);
    expect(await db.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 8006n } } })).toMatchObject(
      {
        email: null,
        tags: [],
        shippingAddress: null,
        billingAddress: null,
        totalMinor: 3650n,
      },
    );
    expect(
      await db.refund.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 800600n } } }),
    ).toMatchObject({
      note: null,
      totalMinor: 3150n,
    });
  });
});
