// A simulator shop written straight into the mirror (Shop, Customer, Order, Refund), for the tests of
// the lifetime-value service: what ingest and backfill would leave, without the pipeline.
import type { PrismaClient } from "~/db.server";
import { DAY_MS, generateShop, type GeneratedShop } from "../../../simulator/index";

const minor = (decimal: string | number | undefined) => Math.round(Number(decimal ?? 0) * 100);

export async function mirrorSimulatorShop(
  db: PrismaClient,
  domain: string,
  input: { seed: number; customers: number; historyMonths?: number },
): Promise<{ shop: GeneratedShop; end: Date }> {
  const shop = generateShop(input);
  await db.shop.create({
    data: { domain, currencyCode: shop.params.currency, ianaTimezone: "America/New_York" },
  });
  await db.customer.createMany({
    data: shop.customerInputs.map((c) => ({
      shop: domain,
      id: BigInt(c.id!),
      email: c.email ?? null,
      firstName: c.firstName ?? null,
      lastName: c.lastName ?? null,
    })),
  });
  const orders = shop.orders.map((o) => {
    const merchandise = o.lineItems.reduce((s, l) => s + minor(l.unitPrice) * l.quantity, 0);
    const discounts = (o.discountCodes ?? []).reduce((s, d) => s + minor(d.amount), 0);
    const shipping = minor(o.shippingPrice);
    const tax = minor(o.taxPrice);
    return {
      shop: domain,
      id: BigInt(o.id!),
      customerId: o.customerId === null || o.customerId === undefined ? null : BigInt(o.customerId),
      name: o.name ?? `#${o.id}`,
      currencyCode: o.currencyCode ?? shop.params.currency,
      subtotalMinor: BigInt(merchandise - discounts),
      totalMinor: BigInt(merchandise - discounts + shipping + tax),
      totalShippingMinor: BigInt(shipping),
      totalTaxMinor: BigInt(tax),
      financialStatus: (o.financialStatus ?? "PAID").toLowerCase(),
      processedAt: new Date(o.processedAt!),
      shopifyCreatedAt: new Date(o.createdAt!),
    };
  });
  for (let i = 0; i < orders.length; i += 5_000)
    await db.order.createMany({ data: orders.slice(i, i + 5_000) });
  await db.refund.createMany({
    data: shop.refunds.map((r) => ({
      shop: domain,
      id: BigInt(r.id),
      orderId: BigInt(r.orderId),
      totalMinor: BigInt(r.totalMinor),
      shippingMinor: BigInt(r.shippingMinor),
      processedAt: new Date(r.createdAt),
    })),
  });
  return { shop, end: new Date(shop.calendar.startMs + shop.calendar.historyDays * DAY_MS) };
}
