import type { PrismaClient } from "~/db.server";
import { generateShop, type GeneratedShop } from "../../../simulator/shop";

// A simulator shop written straight into the mirror (customers, orders, refunds) and the
// member table, for the segment tests and the browser screenshots. Orders carry the total
// the generator priced them at; money is USD cents.

export const minor = (decimal: string | number) => Math.round(Number(decimal) * 100);

export function orderTotal(order: GeneratedShop["orders"][number]): number {
  const lines = order.lineItems.reduce((s, l) => s + l.quantity * minor(l.unitPrice), 0);
  const discounts = (order.discountCodes ?? []).reduce((s, d) => s + minor(d.amount), 0);
  return lines - discounts + minor(order.shippingPrice ?? "0") + minor(order.taxPrice ?? "0");
}

export function simulatedShop(domain: string, customers: number, historyEnd: Date): GeneratedShop {
  return generateShop({ seed: 7, customers, historyMonths: 6, historyEnd: historyEnd.toISOString(), domain });
}

export async function seedSimulatedShop(
  db: PrismaClient,
  shop: string,
  generated: GeneratedShop,
  subset: { customers?: GeneratedShop["customerInputs"]; orders?: GeneratedShop["orders"] } = {},
) {
  const customers = subset.customers ?? generated.customerInputs;
  const orders = subset.orders ?? generated.orders;
  await db.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, currencyCode: "USD" },
    update: {},
  });
  await db.customer.createMany({
    data: customers.map((c) => ({ shop, id: BigInt(c.id!), shopifyCreatedAt: new Date(c.createdAt!) })),
  });
  await db.member.createMany({
    data: customers.map((c, i) => ({
      shop,
      customerId: BigInt(c.id!),
      enrolledAt: new Date(c.createdAt!),
      availablePoints: (i * 37) % 800,
    })),
  });
  await db.order.createMany({
    data: orders.map((o) => ({
      shop,
      id: BigInt(o.id!),
      customerId: o.customerId ? BigInt(o.customerId) : null,
      name: o.name!,
      currencyCode: "USD",
      subtotalMinor: 0n,
      totalMinor: BigInt(orderTotal(o)),
      processedAt: new Date(o.processedAt!),
      cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
    })),
  });
  const orderIds = new Set(orders.map((o) => Number(o.id)));
  await db.refund.createMany({
    data: generated.refunds
      .filter((r) => orderIds.has(r.orderId))
      .map((r) => ({ shop, id: BigInt(r.id), orderId: BigInt(r.orderId), totalMinor: BigInt(r.totalMinor) })),
  });
}
