// History mode: a generated shop goes into the emulator's store as Shopify would hold it
// (products, customers, orders), so the app's real backfill imports it through bulk
// operations and JSONL. The bulk export carries no refunds (the emulator's orders have
// none), so the generated refunds are delivered afterwards as signed refunds/create
// webhooks, which the app handles exactly as it would a late delivery.
import type { EmulatorStore } from "../emulator/store";
import type { OrderRecord } from "../emulator/resources/records";
import { refundPayload } from "../emulator/webhook-payloads";
import type { ProgramInput } from "../app/loyalty/program";
import { refundSpec, type SimRefund } from "./behaviour/history";
import type { GeneratedShop } from "./shop";

export interface LoadProgress {
  stage: "products" | "customers" | "orders";
  done: number;
  total: number;
}

export interface LoadedShop {
  /** The emulator's order records by legacy id (what webhooks and refunds are rendered from). */
  orders: Map<number, OrderRecord>;
}

const CHUNK = 2_000;

/**
 * Replaces the shop in the emulator's store with the generated one. Products first (orders
 * reference their variants), then customers, then orders in chunks, reporting progress.
 */
export function loadShopIntoStore(
  store: EmulatorStore,
  shop: GeneratedShop,
  onProgress: (progress: LoadProgress) => void = () => {},
): LoadedShop {
  const domain = shop.shop.domain;
  store.createShop(shop.shop);
  store.addProducts(domain, shop.products);
  store.addCollections(domain, shop.collections);
  onProgress({ stage: "products", done: shop.products.length, total: shop.products.length });
  for (let i = 0; i < shop.customerInputs.length; i += CHUNK) {
    store.addCustomers(domain, shop.customerInputs.slice(i, i + CHUNK));
    onProgress({
      stage: "customers",
      done: Math.min(shop.customerInputs.length, i + CHUNK),
      total: shop.customerInputs.length,
    });
  }
  const orders = new Map<number, OrderRecord>();
  for (let i = 0; i < shop.orders.length; i += CHUNK) {
    for (const record of store.addOrders(domain, shop.orders.slice(i, i + CHUNK)))
      orders.set(record.legacyId, record);
    onProgress({ stage: "orders", done: Math.min(shop.orders.length, i + CHUNK), total: shop.orders.length });
  }
  return { orders };
}

export interface RefundDelivery {
  topic: "refunds/create";
  refund: SimRefund;
  payload: ReturnType<typeof refundPayload>;
}

/** The generated refunds as refunds/create payloads, oldest first, for orders in the store. */
export function historyRefundDeliveries(shop: GeneratedShop, loaded: LoadedShop): RefundDelivery[] {
  const deliveries: RefundDelivery[] = [];
  for (const refund of shop.refunds) {
    const order = loaded.orders.get(refund.orderId);
    if (!order) continue;
    deliveries.push({
      topic: "refunds/create",
      refund,
      payload: refundPayload(order, refundSpec(refund, order)),
    });
  }
  return deliveries.sort((a, b) => a.refund.createdAt.localeCompare(b.refund.createdAt));
}

/** Sends deliveries a few at a time, in order within each batch; resolves with the failures. */
export async function deliverAll<T>(
  items: readonly T[],
  send: (item: T) => Promise<{ status: number }>,
  options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<Array<{ item: T; status: number | string }>> {
  const concurrency = options.concurrency ?? 8;
  const failures: Array<{ item: T; status: number | string }> = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        const { status } = await send(item);
        if (status < 200 || status >= 300) failures.push({ item, status });
      } catch (error) {
        failures.push({ item, status: error instanceof Error ? error.message : String(error) });
      }
      done += 1;
      if (done % 200 === 0 || done === items.length) options.onProgress?.(done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return failures;
}

/**
 * The demo's loyalty program: 1 point per currency unit with 30 pending days (the app's
 * default), a first-order bonus, spend tiers over a rolling year, and three rewards, so
 * balances, tiers and redemptions all have something to show.
 */
export function demoProgram(currency: string): ProgramInput {
  const money = (amountMinor: number) => ({ amountMinor, currency });
  return {
    currency,
    earning: { pointsPerCurrencyUnit: 1, bonuses: { firstOrder: 50 } },
    tiers: {
      basis: "spend",
      window: "rolling12m",
      levels: [
        { id: "member", name: "Member", threshold: 0, benefits: { earnMultiplier: 1 } },
        { id: "silver", name: "Silver", threshold: 30_000, benefits: { earnMultiplier: 1.25 } },
        {
          id: "gold",
          name: "Gold",
          threshold: 100_000,
          benefits: { earnMultiplier: 1.5, freeShipping: true },
        },
      ],
    },
    rewards: [
      { id: "five-off", name: "$5 off", value: { kind: "fixedAmount", amount: money(500) }, pointsCost: 500 },
      {
        id: "fifteen-off",
        name: "$15 off",
        value: { kind: "fixedAmount", amount: money(1_500) },
        pointsCost: 1_300,
        minimumSubtotal: money(5_000),
      },
      { id: "free-shipping", name: "Free shipping", value: { kind: "freeShipping" }, pointsCost: 300 },
    ],
  };
}
