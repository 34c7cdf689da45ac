import { randomUUID } from "node:crypto";
import type { Delivery } from "../../app/webhooks/inbox.server";
import { EmulatorStore } from "../../emulator/store";
import { customerPayload, orderPayload, productPayload } from "../../emulator/webhook-payloads";
import type { CustomerRecord, OrderRecord, ProductRecord } from "../../emulator/resources/records";

// A synthetic shop built with the emulator's own store, so benchmark payloads are the
// REST webhook bodies Shopify sends (and the simulator sends): decimal strings, money
// sets, line items with product and variant ids, a customer object.

export type BenchShop = {
  domain: string;
  customers: CustomerRecord[];
  products: ProductRecord[];
  orders: OrderRecord[];
  orderBody: (order: OrderRecord) => string;
  customerBody: (customer: CustomerRecord) => string;
  productBody: (product: ProductRecord) => string;
};

export function benchShop(domain: string, counts: { customers: number; products: number; orders: number }) {
  const store = new EmulatorStore(() => Date.now());
  store.createShop({ domain, currencyCode: "USD" });
  const customers = store.addCustomers(
    domain,
    Array.from({ length: counts.customers }, (_, i) => ({
      email: `member${i}@bench.example`,
      firstName: "Bench",
      lastName: `Member ${i}`,
    })),
  );
  const products = store.addProducts(
    domain,
    Array.from({ length: counts.products }, (_, i) => ({
      title: `Product ${i}`,
      tags: i % 5 === 0 ? ["featured"] : [],
      variants: [{ price: `${5 + (i % 60)}.${String((i * 37) % 100).padStart(2, "0")}` }],
    })),
  );
  const orders: OrderRecord[] = [];
  // addOrders validates a whole batch; batches keep memory flat for large counts.
  for (let start = 0; start < counts.orders; start += 5_000) {
    const batch = Array.from({ length: Math.min(5_000, counts.orders - start) }, (_, k) => {
      const i = start + k;
      const customer = customers[(i * 7919) % customers.length]!;
      const lines = 1 + (i % 3);
      return {
        customerId: customer.id,
        email: customer.email,
        financialStatus: "PAID" as const,
        shippingPrice: "4.99",
        taxPrice: "2.10",
        lineItems: Array.from({ length: lines }, (_, j) => {
          const product = products[(i * 31 + j * 17) % products.length]!;
          const variant = product.variants[0]!;
          return {
            title: product.title,
            quantity: 1 + ((i + j) % 2),
            unitPrice: (variant.priceMinor / 100).toFixed(2),
            productId: product.id,
            variantId: variant.id,
          };
        }),
      };
    });
    orders.push(...store.addOrders(domain, batch));
  }
  const byId = new Map(customers.map((c) => [c.id, c]));
  return {
    domain,
    customers,
    products,
    orders,
    orderBody: (order) =>
      JSON.stringify(orderPayload(order, { customer: order.customerId ? byId.get(order.customerId) : null })),
    customerBody: (customer) => JSON.stringify(customerPayload(customer, "USD")),
    productBody: (product) => JSON.stringify(productPayload(product, "USD")),
  } satisfies BenchShop;
}

/** The p-th percentile (0–100) of unsorted samples, nearest-rank. */
export function percentile(samples: Float64Array | number[], p: number): number {
  const sorted = Float64Array.from(samples).sort();
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A webhook as the intake records it (a received delivery of `topic` for `shop`, unsigned). */
export function delivery(shop: string, topic: string, body: string, at: Date): Delivery {
  return {
    headers: {
      topic,
      hmac: "",
      shop,
      webhookId: randomUUID(),
      eventId: randomUUID(),
      apiVersion: "2025-10",
      triggeredAt: at,
    },
    rawJson: body,
    receivedAt: at,
  };
}
