import { UnrecoverableError } from "bullmq";
import { beforeEach, describe, expect, it } from "vitest";
import { createWorld } from "~tests/support/test-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { HandlerContext } from "./handler";
import { processWebhookEvent } from "./process.server";
import { recordDelivery } from "~tests/support/webhooks.server";

// Payloads that can only ever fail (issue 11 #7): numbers beyond what the app stores were
// thrown as ordinary errors, so BullMQ retried them 13 times over 10 minutes. They now
// fail the row at once, with the reason on it, as UnrecoverableError.

const SHOP = "process-poison.myshopify.com";
const w = createWorld(SHOP);
const db = w.db;

beforeEach(async () => {
  await resetDatabase(db);
  w.store.resetShop(SHOP);
  await w.setup();
});

function paidOrder(edit: (payload: Record<string, unknown>) => void) {
  const [customer] = w.store.addCustomers(SHOP, [
    { email: "ola@example.com", updatedAt: "2025-09-01T00:00:00Z" },
  ]);
  const [order] = w.store.addOrders(SHOP, [
    {
      customerId: customer!.id,
      financialStatus: "PAID",
      createdAt: "2025-10-01T12:00:00Z",
      updatedAt: "2025-10-01T12:00:05Z",
      lineItems: [{ title: "Candle", quantity: 1, unitPrice: "10" }],
    },
  ]);
  const delivery = w.order("orders/paid", order!, {}, { customer: customer! });
  edit(delivery.payload as Record<string, unknown>);
  return delivery;
}

const firstLine = (payload: Record<string, unknown>) => (payload.line_items as Record<string, unknown>[])[0]!;

async function expectFailedAtOnce(id: string, reason: RegExp) {
  await expect(processWebhookEvent(db, id)).rejects.toBeInstanceOf(UnrecoverableError);
  const row = await db.webhookEvent.findUniqueOrThrow({ where: { id } });
  expect(row.status).toBe("failed");
  expect(row.attempts).toBe(1);
  expect(row.lastError).toMatch(reason);
  // Failed is final: a retry of the job (or the group it was in) skips the row.
  expect(await processWebhookEvent(db, id)).toBe("already-failed");
  expect(await db.order.count()).toBe(0);
  expect(await db.ledgerEntry.count()).toBe(0);
}

describe("payloads with numbers the app cannot store fail at once, never retried", () => {
  it.each([
    ["a quantity of 2^31", (p: Record<string, unknown>) => (firstLine(p).quantity = 2 ** 31), /quantity/],
    ["a price of 1e308", (p: Record<string, unknown>) => (firstLine(p).price = 1e308), /price/],
    [
      "an id of 2^64",
      (p: Record<string, unknown>) => {
        p.id = 2 ** 64;
        p.admin_graphql_api_id = "gid://shopify/Order/18446744073709551616";
      },
      /2\^63/,
    ],
  ])("%s", async (_name, edit, reason) => {
    const delivery = paidOrder(edit);
    const id = await recordDelivery(db, { shop: SHOP, ...delivery });
    await expectFailedAtOnce(id, reason);
  });

  it("fails at once on any value PostgreSQL refuses as data (SQLSTATE class 22), whatever the handler", async () => {
    const id = await recordDelivery(db, { shop: SHOP, topic: "test/overflow", payload: {} });
    const handlers = {
      "test/overflow": async ({ tx }: HandlerContext) => {
        await tx.$queryRaw`SELECT ${"2147483648"}::int4`;
      },
    };
    await expect(processWebhookEvent(db, id, { handlers })).rejects.toBeInstanceOf(UnrecoverableError);
    const row = await db.webhookEvent.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toContain("out of range");
  });

  it("keeps transient failures retryable: a deadlock or a dropped connection leaves the row received", async () => {
    const transient = [
      Object.assign(new Error("deadlock detected"), { code: "40P01" }),
      new Error("Connection terminated unexpectedly"),
    ];
    for (const error of transient) {
      const id = await recordDelivery(db, { shop: SHOP, topic: "test/transient", payload: {} });
      const handlers = { "test/transient": () => Promise.reject(error) };
      const thrown = await processWebhookEvent(db, id, { handlers }).catch((e: unknown) => e);
      expect(thrown).toBe(error);
      expect(await db.webhookEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: "received",
        attempts: 1,
      });
    }
  });
});
