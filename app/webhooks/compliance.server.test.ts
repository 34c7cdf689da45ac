import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { processWebhookEvent } from "./process.server";
import {
  columnsContaining,
  resetDatabase,
  recordDelivery,
  tablesWithShopRows,
} from "~tests/support/webhooks.server";

const db = prisma();
const SHOP = "compliance-test.myshopify.com";
const OTHER = "other-compliance.myshopify.com";

// Distinctive values, so a scan of every column finds them wherever they hide.
const JANE = {
  id: 1001,
  email: "Jane.Roeberg@example.com",
  phone: "+15557654321",
  first: "Janewyn",
  last: "Roeberg",
};
const JANE_PII = [JANE.email, JANE.phone, JANE.first, JANE.last, "12 Elmwood Lane"];
const BOB = {
  id: 1002,
  email: "bob.quist@example.com",
  phone: "+15550001111",
  first: "Bobbin",
  last: "Quistad",
};

const address = (who: typeof JANE) => ({
  name: `${who.first} ${who.last}`,
  address1: who === JANE ? "12 Elmwood Lane" : "9 Oak Road",
  phone: who.phone,
});

async function seedShop(shop: string) {
  await db.shop.create({ data: { domain: shop, email: `owner@${shop}` } });
  await db.session.create({ data: { id: `offline_${shop}`, shop, state: "s", accessToken: "tok" } });
  await db.product.create({ data: { shop, id: 1n, title: "Mug" } });
  for (const who of [JANE, BOB]) {
    await db.customer.create({
      data: {
        shop,
        id: BigInt(who.id),
        email: who.email,
        phone: who.phone,
        firstName: who.first,
        lastName: who.last,
        tags: [`vip-${who.last}`],
        ordersCount: 2,
        amountSpentMinor: 4000n,
        currencyCode: "USD",
      },
    });
  }
  const order = (id: number, who: typeof JANE, customerId: number | null) => ({
    shop,
    id: BigInt(id),
    customerId: customerId === null ? null : BigInt(customerId),
    name: `#${id}`,
    email: who.email,
    currencyCode: "USD",
    subtotalMinor: 2000n,
    totalMinor: 2500n,
    lineItems: [
      {
        id: 1,
        productId: "1",
        quantity: 1,
        priceMinor: 2000,
        properties: [{ name: "Engraving", value: who.first }],
      },
    ],
    shippingAddress: address(who),
    billingAddress: address(who),
  });
  await db.order.createMany({
    data: [
      order(5001, JANE, JANE.id), // her order
      order(5002, JANE, null), // a guest checkout with her email
      { ...order(5003, JANE, null), email: null }, // linked only through orders_to_redact
      order(5004, BOB, BOB.id),
    ],
  });
}

function deliver(shop: string, topic: string, payload: unknown) {
  return recordDelivery(db, { topic, shop, payload });
}

async function deliverAndProcess(shop: string, topic: string, payload: unknown) {
  const id = await deliver(shop, topic, payload);
  await processWebhookEvent(db, id);
  return id;
}

const janeCustomer = { id: JANE.id, email: JANE.email, phone: JANE.phone };

const usd = (amount: string) => ({
  shop_money: { amount, currency_code: "USD" },
  presentment_money: { amount, currency_code: "USD" },
});

/** Her order 5001 as orders/create delivers it: her name in a custom property and in a refund note. */
function janeOrderPayload() {
  return {
    id: 5001,
    admin_graphql_api_id: "gid://shopify/Order/5001",
    name: "#5001",
    email: JANE.email,
    currency: "USD",
    created_at: "2025-10-01T08:00:00-04:00",
    updated_at: "2025-10-01T08:00:00-04:00",
    processed_at: "2025-10-01T08:00:00-04:00",
    financial_status: "paid",
    test: false,
    tags: "",
    discount_codes: [],
    subtotal_price: "20.00",
    subtotal_price_set: usd("20.00"),
    total_price: "25.00",
    total_price_set: usd("25.00"),
    total_tax_set: usd("0.00"),
    total_discounts_set: usd("0.00"),
    total_shipping_price_set: usd("5.00"),
    line_items: [
      {
        id: 1,
        product_id: 1,
        variant_id: null,
        title: "Mug",
        quantity: 1,
        price: "20.00",
        price_set: usd("20.00"),
        gift_card: false,
        discount_allocations: [],
        properties: [{ name: "Engraving", value: JANE.first }],
      },
    ],
    shipping_lines: [{ price: "5.00", price_set: usd("5.00"), discounted_price_set: usd("5.00") }],
    refunds: [
      {
        id: 7001,
        order_id: 5001,
        created_at: "2025-10-02T08:00:00-04:00",
        note: `${JANE.first} ${JANE.last} changed her mind about the colour`,
        refund_line_items: [],
        order_adjustments: [],
      },
    ],
    customer: { id: JANE.id, email: JANE.email, first_name: JANE.first, last_name: JANE.last },
    company: null,
    shipping_address: address(JANE),
    billing_address: address(JANE),
  };
}

beforeEach(async () => {
  await resetDatabase(db);
  await seedShop(SHOP);
  await seedShop(OTHER);
});

describe("customers/data_request", () => {
  it("exports every row that holds the customer's data, including orders requested", async () => {
    await db.member.create({ data: { shop: SHOP, customerId: 1001n, availablePoints: 10 } });
    await db.ledgerEntry.create({
      data: {
        shop: SHOP,
        customerId: 1001n,
        key: `${SHOP}:customer:1001:bonus:signup`,
        kind: "bonus",
        points: 10,
        bucket: "available",
        occurredAt: new Date("2025-10-01T00:00:00Z"),
        programVersion: 1,
      },
    });
    // A widget inbox message to each of them: hers is exported with when she read it.
    const campaign = await db.campaign.create({
      data: { shop: SHOP, name: "Up", kind: "trigger", trigger: "tierUpgrade", subject: "s", body: "b" },
    });
    for (const customerId of [1001n, 1002n]) {
      const send = await db.campaignSend.create({
        data: {
          shop: SHOP,
          campaignId: campaign.id,
          customerId,
          occurrence: "o",
          channel: "inbox",
          status: "sent",
        },
      });
      await db.inboxMessage.create({
        data: {
          shop: SHOP,
          customerId,
          sendId: send.id,
          title: `Welcome to Gold, ${customerId}`,
          body: "Thank you.",
          readAt: customerId === 1001n ? new Date("2025-10-02T08:00:00Z") : null,
          expiresAt: new Date("2099-01-01T00:00:00Z"),
        },
      });
    }
    await deliverAndProcess(SHOP, "customers/data_request", {
      shop_domain: SHOP,
      customer: janeCustomer,
      orders_requested: [5003],
      data_request: { id: 9999 },
    });
    const exports = await db.dataExport.findMany();
    expect(exports).toHaveLength(1);
    const [exported] = exports;
    expect(exported).toMatchObject({
      shop: SHOP,
      customerId: 1001n,
      customerEmail: JANE.email,
      ordersRequested: [5003n],
      status: "ready",
    });
    const data = exported!.data as {
      customers: { id: string; email: string }[];
      orders: { id: string }[];
      dataRequestId: string;
    };
    expect(data.dataRequestId).toBe("9999");
    expect(data.customers).toEqual([
      expect.objectContaining({ id: "1001", email: JANE.email, firstName: JANE.first }),
    ]);
    expect(data.orders.map((o) => o.id)).toEqual(["5001", "5002", "5003"]);
    const loyalty = exported!.data as {
      members: { customerId: string }[];
      ledgerEntries: { points: number }[];
    };
    expect(loyalty.members).toEqual([expect.objectContaining({ customerId: "1001", availablePoints: 10 })]);
    expect(loyalty.ledgerEntries).toEqual([expect.objectContaining({ kind: "bonus", points: 10 })]);
    expect((exported!.data as { inboxMessages: unknown[] }).inboxMessages).toEqual([
      expect.objectContaining({
        customerId: "1001",
        title: "Welcome to Gold, 1001",
        readAt: "2025-10-02T08:00:00.000Z",
      }),
    ]);
    expect(JSON.stringify(data)).not.toContain(BOB.email);
  });
});

describe("customers/redact", () => {
  it("leaves no personal data of the customer in any table of the shop, and keeps aggregates", async () => {
    // Her data also sits in the inbox: a processed order, a pending customer update and
    // an earlier export request whose export must go too.
    await deliverAndProcess(SHOP, "orders/create", janeOrderPayload());
    // She is a member who earned on that order: the loyalty tables hold her too.
    expect(await db.ledgerEntry.count({ where: { shop: SHOP, customerId: 1001n } })).toBeGreaterThan(0);
    expect(await db.loyaltyEvent.count({ where: { shop: SHOP, customerId: 1001n } })).toBeGreaterThan(0);
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 1001n } },
      data: { birthdayMonth: 4, birthdayDay: 12 },
    });
    // Her segment row (RFM scores, cluster) profiles her: it must go with her.
    await db.memberSegment.create({
      data: {
        shop: SHOP,
        customerId: 1001n,
        segment: "champions",
        recencyScore: 5,
        frequencyScore: 5,
        monetaryScore: 5,
        cluster: 0,
        recencyDays: 1,
        frequency: 3,
        monetaryMinor: 7500n,
        computedAt: new Date(),
      },
    });
    const pendingUpdate = await deliver(SHOP, "customers/update", {
      id: JANE.id,
      first_name: JANE.first,
      last_name: JANE.last,
      phone: JANE.phone,
      updated_at: "2025-10-03T08:00:00-04:00",
    });
    await deliverAndProcess(SHOP, "customers/data_request", {
      customer: janeCustomer,
      orders_requested: [5001],
    });
    for (const needle of JANE_PII)
      expect(await columnsContaining(db, needle, { shop: SHOP })).not.toEqual([]);

    await deliverAndProcess(SHOP, "customers/redact", {
      shop_domain: SHOP,
      customer: janeCustomer,
      orders_to_redact: [5003],
    });

    for (const needle of JANE_PII) {
      expect({ needle, columns: await columnsContaining(db, needle, { shop: SHOP }) }).toEqual({
        needle,
        columns: [],
      });
    }
    expect(await db.dataExport.count({ where: { shop: SHOP } })).toBe(0);
    const customer = await db.customer.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 1001n } } });
    expect(customer).toMatchObject({ ordersCount: 2, amountSpentMinor: 4000n, redactedAt: expect.any(Date) });
    const orders = await db.order.findMany({
      where: { shop: SHOP, id: { in: [5001n, 5002n, 5003n] } },
      orderBy: { id: "asc" },
    });
    expect(orders.map((o) => o.totalMinor)).toEqual([2500n, 2500n, 2500n]);
    expect(orders[0]!.lineItems).toEqual([
      expect.objectContaining({ id: "1", productId: "1", quantity: 1, priceMinor: 2000 }),
    ]);
    // The update still waiting was erased, not dropped: processed now, it brings nothing back.
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: pendingUpdate } })).toMatchObject({
      status: "received",
      payload: expect.objectContaining({ id: JANE.id, first_name: null, phone: null }),
    });
    expect(await processWebhookEvent(db, pendingUpdate)).toBe("processed");
    for (const needle of JANE_PII) expect(await columnsContaining(db, needle, { shop: SHOP })).toEqual([]);
    // The books stay (anonymous amounts), the member never earns again, events are gone.
    const member = await db.member.findUniqueOrThrow({
      where: { shop_customerId: { shop: SHOP, customerId: 1001n } },
    });
    expect(member).toMatchObject({ status: "deleted", statusReason: "redacted", birthdayMonth: null });
    expect(await db.ledgerEntry.count({ where: { shop: SHOP, customerId: 1001n } })).toBeGreaterThan(0);
    expect(await db.loyaltyEvent.count({ where: { shop: SHOP, customerId: 1001n } })).toBe(0);
    expect(await db.memberSegment.count({ where: { shop: SHOP, customerId: 1001n } })).toBe(0);
    expect(await db.refund.findFirst({ where: { shop: SHOP, orderId: 5001n } })).toMatchObject({
      note: null,
    });
  });

  it("keeps other customers' data and the same person's data in other shops", async () => {
    await deliverAndProcess(SHOP, "customers/redact", {
      shop_domain: SHOP,
      customer: janeCustomer,
      orders_to_redact: [],
    });
    for (const needle of [BOB.email, BOB.phone, BOB.first, BOB.last, "9 Oak Road"]) {
      expect(await columnsContaining(db, needle, { shop: SHOP })).not.toEqual([]);
    }
    expect(
      await db.customer.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 1002n } } }),
    ).toMatchObject({
      email: BOB.email,
      firstName: BOB.first,
      redactedAt: null,
    });
    expect(await db.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 5004n } } })).toMatchObject(
      {
        email: BOB.email,
        shippingAddress: address(BOB),
      },
    );
    for (const needle of JANE_PII)
      expect(await columnsContaining(db, needle, { shop: OTHER })).not.toEqual([]);
  });
});

describe("shop/redact", () => {
  it("erases every row of the shop in every table and nothing of other shops", async () => {
    await deliverAndProcess(SHOP, "customers/data_request", { customer: janeCustomer, orders_requested: [] });
    await deliverAndProcess(OTHER, "customers/data_request", {
      customer: janeCustomer,
      orders_requested: [],
    });
    expect(await tablesWithShopRows(db, SHOP)).toEqual([
      "Customer",
      "DataExport",
      "Order",
      "Product",
      "Session",
      "StaleOrderStats",
      "WebhookEvent",
    ]);

    const id = await deliverAndProcess(SHOP, "shop/redact", { shop_id: 1, shop_domain: SHOP });

    expect(await tablesWithShopRows(db, SHOP)).toEqual([]);
    expect(await db.shop.findUnique({ where: { domain: SHOP } })).toBeNull();
    expect(await processWebhookEvent(db, id)).toBe("missing");
    expect(await tablesWithShopRows(db, OTHER)).toEqual([
      "Customer",
      "DataExport",
      "Order",
      "Product",
      "Session",
      "StaleOrderStats",
      "WebhookEvent",
    ]);
    expect(await db.shop.findUnique({ where: { domain: OTHER } })).not.toBeNull();
  });
});
