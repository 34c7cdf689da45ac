import { UnrecoverableError } from "bullmq";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBatchPools } from "~/ingest/batch.server";
import { processWebhookJob } from "~/webhooks/batch-dispatch.server";
import { createWorld } from "~tests/support/test-world.server";
import { payloadShopMismatch } from "~/webhooks/body-checks";
import { WEBHOOK_HANDLERS } from "~/webhooks/handlers";
import { webhookHmac } from "~/webhooks/hmac";
import { receiveWebhook } from "~/webhooks/receive.server";
import { resetDatabase, signedDelivery, TEST_SECRET } from "~tests/support/webhooks.server";
import {
  customerDeletePayload,
  customerEmailConsentPayload,
  customerSmsConsentPayload,
  productPayload,
  refundPayload,
} from "../../emulator/webhook-payloads";
import {
  applyMutations,
  expectLedgerConsistent,
  fuzzParams,
  jsonBigint,
  mutations,
  tableCounts,
  FUZZ_RUNS,
  FUZZ_TEST_TIMEOUT_MS,
} from "./support";

// Webhook payloads of every subscribed topic, mutated at random (values replaced by
// numbers past every column, NUL, lone surrogates, wrong types; keys removed) and raw
// bodies (any JSON, any text, deep nesting), through the real path: a signed delivery
// into receiveWebhook, then the worker's processWebhookJob (the order batch included).
//   - the intake answers 200 (recorded, or recorded as failed) — 401 only when the
//     payload names another shop; never a 5xx while PostgreSQL is up;
//   - processing ends processed, or failed at once with UnrecoverableError and a reason,
//     never a retryable error, and a failure leaves every table as it was;
//   - member balances always equal the ledger.

const SHOP = "fuzz-webhooks.myshopify.com";
const w = createWorld(SHOP);
const db = w.db;

beforeAll(async () => {
  await resetDatabase(db);
  await w.setup({ earning: { bonuses: { firstOrder: 25 } } });
});
afterAll(async () => {
  await closeBatchPools();
});

/** One valid payload per subscribed topic, as Shopify (the emulator) writes them. */
function basePayloads(): Record<string, unknown> {
  const [customer] = w.store.addCustomers(SHOP, [
    { email: "fuzz@example.com", phone: "+15550001111", updatedAt: "2025-09-01T00:00:00Z" },
  ]);
  const [order] = w.store.addOrders(SHOP, [
    {
      customerId: customer!.id,
      financialStatus: "PAID",
      createdAt: "2025-10-01T12:00:00Z",
      updatedAt: "2025-10-01T12:00:05Z",
      lineItems: [
        { title: "Candle", quantity: 2, unitPrice: "10" },
        { title: "Soap", quantity: 1, unitPrice: "4.50" },
      ],
      shippingPrice: "5",
    },
  ]);
  const [product] = w.store.addProducts(SHOP, [
    { title: "Candle", tags: ["home"], variants: [{ price: "10" }] },
  ]);
  const orderPayload = w.order("orders/paid", order!, {}, { customer: customer! }).payload;
  const compliance = {
    shop_id: 1,
    shop_domain: SHOP,
    customer: { id: customer!.legacyId, email: "fuzz@example.com", phone: "+15550001111" },
  };
  return {
    "orders/create": orderPayload,
    "orders/updated": orderPayload,
    "orders/paid": orderPayload,
    "orders/cancelled": { ...(orderPayload as object), cancelled_at: "2025-10-02T00:00:00Z" },
    "refunds/create": refundPayload(order!, {
      id: 9001,
      createdAt: "2025-10-03T00:00:00Z",
      lines: [{ lineItemId: order!.lineItems[0]!.legacyId, quantity: 1 }],
    }),
    "customers/create": w.customer(customer!).payload,
    "customers/update": w.customer(customer!).payload,
    "customers/delete": customerDeletePayload(customer!),
    "customers_marketing_consent/update": customerSmsConsentPayload(customer!),
    "customers_email_marketing_consent/update": customerEmailConsentPayload(customer!),
    "products/create": productPayload(product!, "USD"),
    "products/update": productPayload(product!, "USD"),
    "app/uninstalled": { id: 1, domain: SHOP, myshopify_domain: SHOP },
    "app/scopes_update": { previous: ["read_orders"], current: ["read_orders", "read_customers"] },
    "customers/data_request": { ...compliance, orders_requested: [order!.legacyId], data_request: { id: 9 } },
    "customers/redact": { ...compliance, orders_to_redact: [order!.legacyId] },
    "shop/redact": { shop_id: 1, shop_domain: SHOP },
  };
}

/** Receives the delivery and runs the worker's job for it; checks every rule above. */
async function deliverAndProcess(topic: string, rawBody: Uint8Array, parsed: unknown) {
  const delivery = signedDelivery({ topic, shop: SHOP, payload: {} });
  delivery.headers.set("X-Shopify-Hmac-Sha256", webhookHmac(TEST_SECRET, rawBody));
  const received = await receiveWebhook(
    { headers: delivery.headers, rawBody },
    { db, enqueue: async () => undefined, secret: TEST_SECRET, now: () => new Date() },
  );
  const namesAnotherShop =
    parsed !== null &&
    typeof parsed === "object" &&
    !Array.isArray(parsed) &&
    payloadShopMismatch(parsed as Record<string, unknown>, SHOP) !== null;
  if (namesAnotherShop) {
    expect(received.status, received.body.message).toBe(401);
    return;
  }
  expect(received.status, received.body.message).toBe(200);
  const eventId = received.body.eventId!;
  const row = await db.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
  if (row.status === "failed") {
    expect(row.lastError).toMatch(/^Not processed: /);
    return;
  }

  const before = await tableCounts(db);
  let error: unknown = null;
  await processWebhookJob(db, eventId).catch((e: unknown) => (error = e));
  const after = await db.webhookEvent.findUnique({ where: { id: eventId } });
  if (error) {
    // Bad input is unrecoverable, recorded on the row, and wrote nothing.
    if (!(error instanceof UnrecoverableError)) throw error;
    expect(after?.status).toBe("failed");
    expect(after?.lastError?.length).toBeGreaterThan(0);
    expect(await tableCounts(db)).toEqual(before);
  } else if (after) {
    // Gone only when shop/redact or customers/redact erased it.
    expect(after.status).toBe("processed");
  }
  await expectLedgerConsistent(db, SHOP);
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, jsonBigint));

describe("webhook fuzz", () => {
  const bases = basePayloads();
  const topics = Object.keys(bases);

  it("covers every topic the app handles", () => {
    expect(topics.sort()).toEqual(Object.keys(WEBHOOK_HANDLERS).sort());
  });

  it.each(topics)(
    "%s: mutated payloads are processed or failed at once, never half-written",
    async (topic) => {
      const base = bases[topic];
      await fc.assert(
        fc.asyncProperty(mutations(base), async (list) => {
          const body = encode(applyMutations(base, list));
          // Judge what was sent: JSON has no NaN or ±Infinity (they go out as null).
          await deliverAndProcess(topic, body, JSON.parse(new TextDecoder().decode(body)));
        }),
        // Half the runs per topic: seventeen topics share the suite's budget.
        fuzzParams(Math.ceil(FUZZ_RUNS / 2)),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    "raw bodies of any shape are recorded or recorded as failed, never a 5xx",
    async () => {
      const body = fc.oneof(
        fc.json().map((text) => ({ text })),
        fc.string({ maxLength: 200 }).map((text) => ({ text })),
        fc.integer({ min: 60, max: 300_000 }).map((depth) => ({
          text: `{"a": ${"[".repeat(depth)}${"]".repeat(depth)}}`,
        })),
        fc
          .constantFrom('{"id": 1e200000}', '{"id": -1e400}', '{"a": "\\ud800\\u0000"}', "", "{", "null")
          .map((text) => ({ text })),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...topics), body, async (topic, { text }) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          await deliverAndProcess(topic, new TextEncoder().encode(text), parsed);
        }),
        fuzzParams(),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
