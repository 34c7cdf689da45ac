import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import {
  gid,
  shopifyDateTime,
  type CustomerRecord,
  type OrderRecord,
} from "../../emulator/resources/records";
import { buildProduct } from "../../emulator/resources/build";
import type { Emulator } from "../../emulator/server";
import { installApp, startTestEmulator } from "../../emulator/testing";

// Large synthetic shops for the backfill to export (bench:backfill, bench:tenants), in an
// in-process Shopify emulator that lives in a worker thread: a million orders held in the
// app's own heap would make every garbage collection of the app walk them (several times
// the app's real CPU), which production, where the store is Shopify's, never pays.

export type BackfillShop = {
  domain: string;
  orders: number;
  customers: number;
  products: number;
  /** Customers the shop has besides its history's, by id (bench:tenants' live shops: their metafield syncs find them). */
  known?: { legacyId: number; email: string | null }[];
};

const NOW = Date.parse("2026-11-01T00:00:00Z");

/** mulberry32: a small seeded generator, so every run builds the same shop. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills the emulator's shop's store directly with records shaped as its builders make them (the
 * control API validates each order, which would spend a minute on set-up alone).
 */
export function seedShop(emulator: Emulator, shop: BackfillShop) {
  const { domain, orders: ORDERS, customers: CUSTOMERS, products: PRODUCTS } = shop;
  const rand = random(20261123);
  const state = emulator.store.requireShop(domain);
  let nextId = 10_000_000;
  const ids = { next: () => ++nextId, claim: () => undefined };
  const created = shopifyDateTime(NOW - 3 * 365 * 86_400_000);
  for (let i = 0; i < PRODUCTS; i += 1) {
    const product = buildProduct(
      {
        title: `Product ${i}`,
        productType: i % 4 === 0 ? "Tea" : "Ceramics",
        vendor: "Bench",
        tags: i % 10 === 0 ? ["featured"] : [],
        status: "ACTIVE",
        variants: [
          {
            title: "Default Title",
            sku: `SKU-${i}`,
            price: `${5 + (i % 60)}.${(i * 37) % 100}`,
            inventoryQuantity: null,
            unitCost: null,
          },
        ],
      },
      ids,
      created,
      "USD",
    );
    state.products.set(product.legacyId, product);
  }
  const products = [...state.products.values()];
  const customers: CustomerRecord[] = [];
  for (let i = 0; i < CUSTOMERS; i += 1) {
    const legacyId = ids.next();
    const customer = customerRecord(legacyId, `member${i}@bench.example`, `Member ${i}`, i);
    state.customers.set(legacyId, customer);
    customers.push(customer);
  }
  const span = 3 * 365 * 86_400_000;
  for (let i = 0; i < ORDERS; i += 1) {
    const legacyId = ids.next();
    const customer = customers[Math.floor(rand() * customers.length)]!;
    const placed = shopifyDateTime(NOW - span + Math.floor(rand() * span));
    const lineCount = 1 + Math.floor(rand() * 3);
    const lineItems = Array.from({ length: lineCount }, () => {
      const product = products[Math.floor(rand() * products.length)]!;
      const lineId = ids.next();
      return {
        legacyId: lineId,
        id: gid("LineItem", lineId),
        title: product.title,
        quantity: 1 + Math.floor(rand() * 2),
        sku: product.variants[0]!.sku,
        productId: product.id,
        variantId: product.variants[0]!.id,
        variantTitle: null,
        unitPriceMinor: product.variants[0]!.priceMinor,
        discountMinor: 0,
      };
    });
    const roll = rand();
    const discounted = roll < 0.15;
    if (discounted) {
      // 10% off, allocated to the lines in proportion (as the emulator's builder does).
      for (const line of lineItems)
        line.discountMinor = Math.floor((line.unitPriceMinor * line.quantity) / 10);
    }
    const order: OrderRecord = {
      legacyId,
      id: gid("Order", legacyId),
      name: `#${1000 + i}`,
      email: customer.email,
      customerId: customer.id,
      createdAt: placed,
      processedAt: placed,
      updatedAt: placed,
      cancelledAt: roll > 0.97 ? placed : null,
      financialStatus: roll > 0.99 ? "PENDING" : roll > 0.98 ? "REFUNDED" : "PAID",
      fulfillmentStatus: "FULFILLED",
      currencyCode: "USD",
      discountCodes: discounted
        ? [{ code: "TEN", amountMinor: lineItems.reduce((sum, l) => sum + l.discountMinor, 0) }]
        : [],
      lineItems,
      shippingMinor: 499,
      taxMinor: 210,
      tags: [],
      test: false,
      sourceName: "web",
    };
    state.orders.set(legacyId, order);
    let set = state.ordersByCustomer.get(customer.id);
    if (!set) state.ordersByCustomer.set(customer.id, (set = new Set()));
    set.add(legacyId);
  }
}

function customerRecord(legacyId: number, email: string | null, lastName: string, i: number): CustomerRecord {
  const created = shopifyDateTime(NOW - 3 * 365 * 86_400_000);
  return {
    legacyId,
    id: gid("Customer", legacyId),
    email,
    phone: null,
    firstName: "Bench",
    lastName,
    tags: i % 50 === 0 ? ["vip"] : [],
    state: "ENABLED",
    verifiedEmail: true,
    emailMarketingState: i % 3 === 0 ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
    smsMarketingState: "NOT_SUBSCRIBED",
    createdAt: created,
    updatedAt: created,
  };
}

export type EmulatorReady = {
  url: string;
  /** The app's offline access token per shop (the emulator's token exchange). */
  tokens: Record<string, string>;
  seededMs: number;
};

/**
 * Starts the emulator thread with `shops` seeded and installed; close() ends it. cpuSeconds()
 * is the CPU the thread has used so far (Shopify's side of a backfill: building the exports).
 */
export async function backfillEmulator(
  shops: BackfillShop[],
): Promise<EmulatorReady & { close(): Promise<void>; cpuSeconds(): Promise<number> }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { backfillShops: shops } });
  const ready = await new Promise<EmulatorReady>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the emulator thread exited with ${code}`)));
  });
  return {
    ...ready,
    cpuSeconds: async () => {
      const answer = new Promise<number>((resolve) => worker.once("message", resolve));
      worker.postMessage("cpu");
      return answer;
    },
    close: async () => {
      worker.postMessage("close");
      await new Promise((resolve) => worker.once("exit", resolve));
    },
  };
}

async function emulatorMain(shops: BackfillShop[]) {
  const emulator = await startTestEmulator({
    throttle: { maximumAvailable: 2000, restoreRate: 100, singleQueryMaxCost: 1000 },
  });
  const seeded = performance.now();
  for (const shop of shops) {
    emulator.store.createShop({ domain: shop.domain, currencyCode: "USD" });
    seedShop(emulator, shop);
    const state = emulator.store.requireShop(shop.domain);
    for (const { legacyId, email } of shop.known ?? [])
      state.customers.set(legacyId, customerRecord(legacyId, email, `Known ${legacyId}`, 0));
  }
  const seededMs = performance.now() - seeded;
  const tokens: Record<string, string> = {};
  for (const shop of shops) tokens[shop.domain] = await installApp(emulator, shop.domain);
  parentPort!.on("message", (message) => {
    if (message === "cpu") {
      const { user, system } = process.threadCpuUsage();
      parentPort!.postMessage((user + system) / 1e6);
      return;
    }
    void emulator.close().then(() => process.exit(0));
  });
  parentPort!.postMessage({ url: emulator.url, tokens, seededMs } satisfies EmulatorReady);
}

const backfillShops = (workerData as { backfillShops?: BackfillShop[] } | null)?.backfillShops;
if (!isMainThread && backfillShops)
  emulatorMain(backfillShops).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
