import { normalisePhone } from "~/ingest/imports/engagement";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { customersRedact } from "./handlers/customers-redact.server";
import { WEBHOOK_HANDLERS } from "./handlers";
import { processWebhookEvent } from "./process.server";
import { importItems } from "~/ingest/imports/imports.server";
import { recordDelivery, resetDatabase, scanDatabase } from "~tests/support/webhooks.server";

// A realistic customers/redact: a customer with orders, a guest order under her email, an
// order linked only through orders_to_redact, refunds with staff notes, tags, custom
// properties, a refund still waiting in the inbox, and deliveries that arrive after the
// redaction. Afterwards no column of any table in the database may hold any of her values,
// while another customer's stay where they were.

const db = prisma();
const SHOP = "redaction-scan.myshopify.com";

const HER = {
  id: 3001,
  email: "Marisol.Quenby@example.org",
  phone: "+15559871234",
  first: "Marisol",
  last: "Quenby",
  address1: "48 Thistlewood Crescent",
  address2: "Flat 9Q",
  giftName: "Ottoline Quenby",
  giftAddress: "7 Larkspur Mews",
  ip: "203.0.113.77",
  orderNote: "Ring the bell twice, Mrs Q is hard of hearing",
  tag: "quenby-anniversary",
  engraving: "To my dearest Ottoline",
  giftMessage: "Happy seventieth, Ottoline",
  customerNote: "Allergic to lilies, do not send flowers",
  refundNote: "She says the mug arrived chipped",
  laterRefundNote: "Second chipped mug, courier dropped it",
};
/** Every value of hers the pipeline stores before the redaction (the later refund note comes after). */
const HER_STORED_BEFORE = () => HER_VALUES.filter((v) => v !== HER.laterRefundNote).sort();
const HER_VALUES = [
  HER.email,
  HER.phone,
  HER.first,
  HER.last,
  HER.address1,
  HER.address2,
  HER.giftName,
  HER.giftAddress,
  HER.ip,
  HER.orderNote,
  HER.tag,
  HER.engraving,
  HER.giftMessage,
  HER.customerNote,
  HER.refundNote,
  HER.laterRefundNote,
];

const HIS = {
  id: 3002,
  email: "teodor.vashti@example.net",
  phone: "+15550003333",
  first: "Teodor",
  last: "Vashti",
  address1: "19 Quarry Hill Road",
  address2: "Unit 4B",
  giftName: "Teodor Vashti",
  giftAddress: "19 Quarry Hill Road",
  ip: "198.51.100.23",
  orderNote: "Leave with the porter",
  tag: "vashti-corporate",
  engraving: "Teodor's studio",
  giftMessage: "For the studio",
  customerNote: "Prefers morning deliveries",
  refundNote: "Teodor returned a spoon",
  laterRefundNote: "Teodor returned another spoon",
};
const HIS_VALUES = [
  HIS.email,
  HIS.phone,
  HIS.first,
  HIS.last,
  HIS.address1,
  HIS.tag,
  HIS.orderNote,
  HIS.refundNote,
];

type Person = typeof HER;

const usd = (amount: string) => ({
  shop_money: { amount, currency_code: "USD" },
  presentment_money: { amount, currency_code: "USD" },
});

const address = (p: Person, gift = false) => ({
  first_name: gift ? p.giftName.split(" ")[0] : p.first,
  last_name: p.last,
  name: gift ? p.giftName : `${p.first} ${p.last}`,
  address1: gift ? p.giftAddress : p.address1,
  address2: p.address2,
  city: "Springvale",
  zip: "90210",
  country_code: "US",
  phone: p.phone,
  company: null,
});

function customerPayload(p: Person, updatedAt: string) {
  return {
    id: p.id,
    admin_graphql_api_id: `gid://shopify/Customer/${p.id}`,
    email: p.email,
    phone: p.phone,
    first_name: p.first,
    last_name: p.last,
    state: "enabled",
    note: p.customerNote,
    tags: `vip, ${p.tag}`,
    currency: "USD",
    created_at: "2025-09-01T10:00:00Z",
    updated_at: updatedAt,
    email_marketing_consent: { state: "subscribed", opt_in_level: "single_opt_in" },
    sms_marketing_consent: null,
    default_address: address(p),
    addresses: [address(p)],
  };
}

function refundPayload(p: Person, id: number, orderId: number, note: string, at: string) {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Refund/${id}`,
    order_id: orderId,
    created_at: at,
    processed_at: at,
    note,
    user_id: 77,
    refund_line_items: [
      {
        id: id * 10,
        line_item_id: orderId * 10,
        quantity: 1,
        subtotal: "20.00",
        subtotal_set: usd("20.00"),
        total_tax: "0.00",
        total_tax_set: usd("0.00"),
      },
    ],
    order_adjustments: [],
    transactions: [{ id: id * 7, kind: "refund", amount: "20.00", receipt: { payer: p.email } }],
  };
}

/** An order as orders/* deliver it, with every kind of personal data Shopify puts in one. */
function orderPayload(
  p: Person,
  id: number,
  options: {
    customer?: boolean;
    email?: string | null;
    updatedAt?: string;
    refunds?: ReturnType<typeof refundPayload>[];
  } = {},
) {
  const email = options.email === undefined ? p.email : options.email;
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email,
    contact_email: email,
    phone: p.phone,
    currency: "USD",
    created_at: "2025-10-01T08:00:00Z",
    updated_at: options.updatedAt ?? "2025-10-01T08:00:00Z",
    processed_at: "2025-10-01T08:00:00Z",
    financial_status: "paid",
    test: false,
    note: p.orderNote,
    note_attributes: [{ name: "gift_message", value: p.giftMessage }],
    tags: `gift, ${p.tag}`,
    browser_ip: p.ip,
    client_details: { browser_ip: p.ip, user_agent: "Mozilla/5.0" },
    discount_codes: [],
    subtotal_price: "40.00",
    subtotal_price_set: usd("40.00"),
    total_price: "45.00",
    total_price_set: usd("45.00"),
    total_tax_set: usd("0.00"),
    total_discounts_set: usd("0.00"),
    total_shipping_price_set: usd("5.00"),
    line_items: [
      {
        id: id * 10,
        product_id: 1,
        variant_id: 11,
        title: "Stoneware Mug",
        name: "Stoneware Mug",
        quantity: 2,
        price: "20.00",
        price_set: usd("20.00"),
        gift_card: false,
        discount_allocations: [],
        properties: [{ name: "Engraving", value: p.engraving }],
      },
    ],
    shipping_lines: [
      {
        title: "Standard",
        phone: p.phone,
        price: "5.00",
        price_set: usd("5.00"),
        discounted_price_set: usd("5.00"),
      },
    ],
    refunds: options.refunds ?? [],
    customer:
      options.customer === false
        ? null
        : {
            id: p.id,
            admin_graphql_api_id: `gid://shopify/Customer/${p.id}`,
            email: p.email,
            phone: p.phone,
            first_name: p.first,
            last_name: p.last,
            state: "enabled",
            note: p.customerNote,
            tags: `vip, ${p.tag}`,
            default_address: address(p),
          },
    company: null,
    shipping_address: address(p, true),
    billing_address: address(p),
  };
}

const deliver = (topic: string, payload: unknown, webhookId?: string) =>
  recordDelivery(db, { shop: SHOP, topic, payload, webhookId });

async function processAll(ids: string[]) {
  for (const id of ids) expect(await processWebhookEvent(db, id)).toMatch(/processed/);
}

const redactRequest = {
  shop_id: 1,
  shop_domain: SHOP,
  customer: { id: HER.id, email: HER.email, phone: HER.phone },
  orders_to_redact: [9003],
};

/** Her history and his, through the real pipeline, up to the moment she asks to be forgotten. */
async function seedHistory() {
  await db.shop.create({ data: { domain: SHOP, email: `owner@${SHOP}`, currencyCode: "USD" } });
  await db.product.create({ data: { shop: SHOP, id: 1n, title: "Stoneware Mug" } });
  await processAll([
    await deliver("customers/create", customerPayload(HER, "2025-09-01T10:00:00Z")),
    await deliver("customers/create", customerPayload(HIS, "2025-09-01T10:00:00Z")),
    // Her order, with a refund embedded; a guest checkout under her email (another case);
    // an order that only orders_to_redact ties to her (no customer, no email).
    await deliver("orders/create", orderPayload(HER, 9001)),
    await deliver(
      "orders/create",
      orderPayload(HER, 9002, { customer: false, email: ` ${HER.email.toUpperCase()} ` }),
    ),
    await deliver("orders/create", orderPayload(HER, 9003, { customer: false, email: null })),
    await deliver("refunds/create", refundPayload(HER, 7001, 9001, HER.refundNote, "2025-10-02T08:00:00Z")),
    await deliver("refunds/create", refundPayload(HER, 7002, 9002, HER.refundNote, "2025-10-02T09:00:00Z")),
    await deliver("orders/create", orderPayload(HIS, 9004)),
    await deliver("refunds/create", refundPayload(HIS, 7004, 9004, HIS.refundNote, "2025-10-02T08:00:00Z")),
    await deliver("customers/data_request", { customer: redactRequest.customer, orders_requested: [9003] }),
  ]);
  // A campaign email to each, logged, and their unsubscribes.
  const campaign = await db.campaign.create({
    data: { shop: SHOP, name: "Upgrade", kind: "trigger", trigger: "tierUpgrade", subject: "s", body: "b" },
  });
  for (const p of [HER, HIS]) {
    const send = await db.campaignSend.create({
      data: {
        shop: SHOP,
        campaignId: campaign.id,
        customerId: BigInt(p.id),
        occurrence: `upgrade-${p.id}`,
        channel: "email",
        status: "sent",
        toAddress: p.email.toLowerCase(),
        subject: `${p.first}, you are now Gold`,
      },
    });
    await db.campaignSuppression.create({
      data: { shop: SHOP, channel: "email", address: p.email.toLowerCase(), reason: "unsubscribed" },
    });
    // ... and the same words in the widget inbox (an email campaign's fallback).
    await db.inboxMessage.create({
      data: {
        shop: SHOP,
        customerId: BigInt(p.id),
        sendId: send.id,
        title: `${p.first}, you are now Gold`,
        body: `Thank you, ${p.first}.`,
        expiresAt: new Date("2099-01-01T00:00:00Z"),
      },
    });
    // And a STOP texted from their number.
    const phone = normalisePhone(p.phone);
    await db.campaignSuppression.create({
      data: { shop: SHOP, channel: "sms", address: phone, reason: "unsubscribed" },
    });
    await db.campaignInboundSms.create({
      data: { shop: SHOP, messageSid: `SM-${p.id}`, phone, customerId: BigInt(p.id), keyword: "stop" },
    });
  }
  // Her review (her words about the gift) and her email and SMS engagement, imported.
  for (const p of [HER, HIS]) {
    await importItems(
      db,
      SHOP,
      "reviews",
      [
        {
          id: `rv-${p.id}`,
          product_id: 1,
          email: p.email,
          name: `${p.first} ${p.last}`,
          rating: 5,
          title: p.giftMessage,
          body: p.engraving,
          date: "2025-10-05",
        },
      ],
      "judgeme",
    );
    await importItems(
      db,
      SHOP,
      "engagement",
      [
        {
          email: p.email,
          channel: "email",
          type: "open",
          campaign: "October",
          timestamp: "2025-10-06T09:00:00Z",
        },
        {
          phone: p.phone,
          channel: "sms",
          type: "click",
          campaign: "October SMS",
          timestamp: "2025-10-06T10:00:00Z",
        },
      ],
      "klaviyo",
    );
  }
  // A refund of the orders_to_redact order still waits in the inbox when the request comes.
  const waiting = await deliver(
    "refunds/create",
    refundPayload(HER, 7003, 9003, HER.refundNote, "2025-10-03T08:00:00Z"),
  );
  return { waiting };
}

/** What arrives after the redaction: updates of her orders, a new guest order, her refunds. */
async function deliverLater() {
  return [
    await deliver(
      "orders/updated",
      orderPayload(HER, 9001, {
        updatedAt: "2025-10-10T08:00:00Z",
        refunds: [refundPayload(HER, 7011, 9001, HER.laterRefundNote, "2025-10-10T08:00:00Z")],
      }),
    ),
    await deliver(
      "orders/updated",
      orderPayload(HER, 9003, { customer: false, email: null, updatedAt: "2025-10-10T08:00:00Z" }),
    ),
    await deliver(
      "refunds/create",
      refundPayload(HER, 7013, 9003, HER.laterRefundNote, "2025-10-10T09:00:00Z"),
    ),
    await deliver(
      "orders/create",
      orderPayload(HER, 9005, { customer: false, email: HER.email.toLowerCase() }),
    ),
    await deliver(
      "refunds/create",
      refundPayload(HER, 7015, 9005, HER.laterRefundNote, "2025-10-10T10:00:00Z"),
    ),
    await deliver("customers/update", customerPayload(HER, "2025-10-10T08:00:00Z")),
  ];
}

/** The rows of every table but the inbox, to compare before and after a redelivery. */
async function snapshot() {
  const [customers, orders, refunds, members, ledger, identities, exports] = await Promise.all([
    db.customer.findMany({ orderBy: { id: "asc" }, omit: { syncedAt: true } }),
    db.order.findMany({ orderBy: { id: "asc" }, omit: { syncedAt: true } }),
    db.refund.findMany({ orderBy: { id: "asc" }, omit: { syncedAt: true } }),
    db.member.findMany({ orderBy: { customerId: "asc" }, omit: { updatedAt: true } }),
    db.ledgerEntry.findMany({ orderBy: { id: "asc" } }),
    db.redactedIdentity.findMany({ orderBy: [{ kind: "asc" }, { value: "asc" }] }),
    db.dataExport.findMany({ orderBy: { requestedAt: "asc" } }),
  ]);
  const inbox = await db.webhookEvent.findMany({
    orderBy: { id: "asc" },
    select: { id: true, payload: true, status: true },
  });
  return { customers, orders, refunds, members, ledger, identities, exports, inbox };
}

beforeEach(async () => {
  await resetDatabase(db);
});

describe("customers/redact, then a scan of every column of every table", () => {
  it("leaves none of her values anywhere, now or after later deliveries, and keeps his", async () => {
    const { waiting } = await seedHistory();
    const before = await scanDatabase(db, HER_VALUES);
    // The scan sees every value where the pipeline put it (else it proves nothing).
    expect(Object.keys(before.hits).sort()).toEqual(HER_STORED_BEFORE());

    const redact = await deliver("customers/redact", redactRequest);
    expect(await processWebhookEvent(db, redact)).toBe("processed");
    expect((await scanDatabase(db, HER_VALUES)).hits).toEqual({});

    // Later deliveries are stored without her data, before any worker sees them ...
    const later = await deliverLater();
    expect((await scanDatabase(db, HER_VALUES)).hits).toEqual({});
    // ... and what they mirror stays erased, the refund that waited included.
    await processAll([waiting, ...later]);
    const after = await scanDatabase(db, HER_VALUES);
    expect(after.columns).toBeGreaterThan(50);
    expect(after.hits).toEqual({});

    // What sold and was refunded stays, without who bought it.
    const orders = await db.order.findMany({
      where: { shop: SHOP, id: { in: [9001n, 9002n, 9003n, 9005n] } },
      orderBy: { id: "asc" },
    });
    expect(orders.map((o) => [o.id, o.totalMinor, o.email, o.tags, o.shippingAddress])).toEqual([
      [9001n, 4500n, null, [], null],
      [9002n, 4500n, null, [], null],
      [9003n, 4500n, null, [], null],
      [9005n, 4500n, null, [], null],
    ]);
    const refunds = await db.refund.findMany({
      where: { shop: SHOP, orderId: { in: [9001n, 9002n, 9003n, 9005n] } },
    });
    expect(refunds.map((r) => [r.id, r.orderId, r.totalMinor, r.note]).sort()).toEqual(
      [
        [7001n, 9001n, 2000n, null],
        [7002n, 9002n, 2000n, null],
        [7003n, 9003n, 2000n, null],
        [7011n, 9001n, 2000n, null],
        [7013n, 9003n, 2000n, null],
        [7015n, 9005n, 2000n, null],
      ].sort(),
    );
    expect(await db.webhookEvent.count({ where: { shop: SHOP, status: { not: "processed" } } })).toBe(0);
    // The refund that came after the redaction still reached the books.
    expect(
      await db.ledgerEntry.count({ where: { shop: SHOP, orderId: 9001n, kind: "refundReversal" } }),
    ).toBe(2);

    // His data is where it was: mirror, refunds and inbox.
    const his = await scanDatabase(db, HIS_VALUES);
    for (const value of HIS_VALUES) expect(his.hits[value] ?? []).toContain("public.WebhookEvent.payload");
    expect(
      await db.customer.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 3002n } } }),
    ).toMatchObject({
      email: HIS.email,
      phone: HIS.phone,
      firstName: HIS.first,
      lastName: HIS.last,
      redactedAt: null,
    });
    expect(await db.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 9004n } } })).toMatchObject(
      {
        email: HIS.email,
        tags: ["gift", HIS.tag],
        shippingAddress: expect.objectContaining({ address1: HIS.giftAddress }),
      },
    );
    expect(
      await db.refund.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 7004n } } }),
    ).toMatchObject({
      note: HIS.refundNote,
    });
  });

  it("is idempotent: the same request redelivered, or sent again, changes nothing", async () => {
    const { waiting } = await seedHistory();
    const webhookId = "redact-once";
    const first = await deliver("customers/redact", redactRequest, webhookId);
    await processWebhookEvent(db, first);
    const settled = await snapshot();

    // Shopify redelivers the same webhook: recorded once, applied once.
    expect(await deliver("customers/redact", redactRequest, webhookId)).toBe(first);
    expect(await processWebhookEvent(db, first)).toBe("already-processed");
    // A new request for the same customer runs again and finds nothing left to change.
    const again = await deliver("customers/redact", redactRequest);
    expect(await processWebhookEvent(db, again)).toBe("processed");
    const now = await snapshot();
    expect({ ...now, inbox: now.inbox.filter((e) => e.id !== again) }).toEqual(settled);

    // And after later deliveries, a third request leaves the scan as clean as it was.
    await processAll([waiting, ...(await deliverLater())]);
    const third = await deliver("customers/redact", redactRequest);
    expect(await processWebhookEvent(db, third)).toBe("processed");
    expect((await scanDatabase(db, HER_VALUES)).hits).toEqual({});
  });

  it("does not wait for a delivery a worker holds; the trigger erases it when the worker marks it", async () => {
    await seedHistory();
    const held = await deliver(
      "orders/updated",
      orderPayload(HER, 9001, { updatedAt: "2025-10-05T08:00:00Z" }),
    );
    const redact = await deliver("customers/redact", redactRequest);
    await db.$transaction(
      async (tx) => {
        // A worker processing the row holds it (processWebhookEvent locks it FOR UPDATE) and
        // may be waiting for the ingest locks the redaction takes: the redaction must not wait.
        await tx.$queryRaw`SELECT 1 FROM "WebhookEvent" WHERE "id" = ${held}::uuid FOR UPDATE`;
        expect(await processWebhookEvent(db, redact)).toBe("processed");
        const payload = JSON.stringify(
          (await tx.webhookEvent.findUniqueOrThrow({ where: { id: held } })).payload,
        );
        expect(payload).toContain(HER.address1);
        await tx.webhookEvent.update({
          where: { id: held },
          data: { status: "processed", processedAt: new Date() },
        });
      },
      { timeout: 30_000 },
    );
    expect((await scanDatabase(db, HER_VALUES)).hits).toEqual({});
  });

  it("is one transaction: a failure after the handler's writes leaves everything as it was", async () => {
    await seedHistory();
    const before = await snapshot();
    const redact = await deliver("customers/redact", redactRequest);
    const failing = {
      ...WEBHOOK_HANDLERS,
      "customers/redact": async (ctx: Parameters<typeof customersRedact>[0]) => {
        await customersRedact(ctx);
        throw new Error("the database went away after the redaction's writes");
      },
    };
    await expect(processWebhookEvent(db, redact, { handlers: failing })).rejects.toThrow(/went away/);
    const after = await snapshot();
    expect({ ...after, inbox: after.inbox.filter((e) => e.id !== redact) }).toEqual(before);
    expect(Object.keys((await scanDatabase(db, HER_VALUES)).hits).sort()).toEqual(HER_STORED_BEFORE());

    // Retried, it completes.
    expect(await processWebhookEvent(db, redact)).toBe("processed");
    expect((await scanDatabase(db, HER_VALUES)).hits).toEqual({});
  });
});
