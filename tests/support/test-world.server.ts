import { prisma } from "~/db.server";
import { currentProgramVersion, saveProgram } from "~/loyalty/services/program.server";
import type { ProgramInput } from "~/loyalty/program";
import { processWebhookEvent } from "~/webhooks/process.server";
import { recordDelivery } from "./webhooks.server";
import { EmulatorStore } from "../../emulator/store";
import type { CustomerRecord, OrderRecord } from "../../emulator/resources/records";
import {
  customerPayload,
  orderPayload,
  refundPayload,
  type RefundSpec,
} from "../../emulator/webhook-payloads";

// Test support for ingest integration tests: a shop in the emulator's store whose
// records are rendered as real webhook payloads, recorded in the inbox and processed
// through processWebhookEvent, as the worker does.

export const NOW = new Date("2025-10-05T00:00:00Z");

export type Delivery = { topic: string; payload: unknown };

export function createWorld(shop: string) {
  const store = new EmulatorStore(() => Date.parse("2025-10-01T12:00:00Z"));
  store.createShop({ domain: shop, currencyCode: "USD" });
  const db = prisma();

  async function setup(program: Partial<ProgramInput> = {}) {
    await db.shop.create({ data: { domain: shop, email: `owner@${shop}`, currencyCode: "USD" } });
    const { version } = await currentProgramVersion(db, shop);
    await saveProgram(db, shop, { currency: "USD", ...program }, { basedOn: version });
  }

  async function deliver(delivery: Delivery, now = NOW) {
    const id = await recordDelivery(db, { shop, ...delivery });
    return processWebhookEvent(db, id, { now: () => now });
  }

  const customer = (record: CustomerRecord, overrides: Partial<CustomerRecord> = {}): Delivery => ({
    topic: "customers/update",
    payload: customerPayload({ ...record, ...overrides }, "USD"),
  });

  function order(
    topic: string,
    record: OrderRecord,
    overrides: Partial<OrderRecord> = {},
    options: { customer?: CustomerRecord | null; refunds?: RefundSpec[] } = {},
  ): Delivery {
    return { topic, payload: orderPayload({ ...record, ...overrides }, options) };
  }

  const refund = (record: OrderRecord, spec: RefundSpec): Delivery => ({
    topic: "refunds/create",
    payload: refundPayload(record, spec),
  });

  async function member(customerId: number) {
    return db.member.findUniqueOrThrow({
      where: { shop_customerId: { shop, customerId: BigInt(customerId) } },
    });
  }

  return { store, db, setup, deliver, customer, order, refund, member };
}
