// A simulator shop's products, variants and orders (with their line items in the mirror's
// format) written straight into the mirror, for the tests of the weekly-picks service: what
// the backfill leaves, without the pipeline.
import type { PrismaClient } from "~/db.server";
import { DAY_MS, generateShop, type GeneratedShop } from "../../../simulator/index";

const minor = (decimal: string | number | undefined | null) => Math.round(Number(decimal ?? 0) * 100);

export async function mirrorSimulatorCatalogue(
  db: PrismaClient,
  domain: string,
  input: { seed: number; customers: number; historyMonths?: number },
): Promise<{ shop: GeneratedShop; end: Date }> {
  const shop = generateShop(input);
  await db.shop.create({
    data: { domain, currencyCode: shop.params.currency, ianaTimezone: "America/New_York" },
  });
  await db.product.createMany({
    data: shop.catalog.products.map((p) => ({
      shop: domain,
      id: BigInt(p.id),
      title: p.title,
      status: "active",
    })),
  });
  await db.productVariant.createMany({
    data: shop.catalog.products.flatMap((p) =>
      p.variants.map((v) => ({
        shop: domain,
        id: BigInt(v.id),
        productId: BigInt(p.id),
        title: v.title,
        sku: v.sku,
        priceMinor: BigInt(v.priceMinor),
        inventoryQuantity: v.inventory,
        unitCostMinor: BigInt(v.unitCostMinor),
      })),
    ),
  });
  const orders = shop.orders.map((o) => {
    const merchandise = o.lineItems.reduce((s, l) => s + minor(l.unitPrice) * l.quantity, 0);
    const discounts = (o.discountCodes ?? []).reduce((s, d) => s + minor(d.amount), 0);
    return {
      shop: domain,
      id: BigInt(o.id!),
      customerId: o.customerId == null ? null : BigInt(o.customerId),
      name: o.name ?? `#${o.id}`,
      currencyCode: o.currencyCode ?? shop.params.currency,
      subtotalMinor: BigInt(merchandise - discounts),
      totalMinor: BigInt(merchandise - discounts),
      financialStatus: (o.financialStatus ?? "PAID").toLowerCase(),
      processedAt: new Date(o.processedAt!),
      shopifyCreatedAt: new Date(o.createdAt!),
      cancelledAt: o.cancelledAt ? new Date(o.cancelledAt) : null,
      lineItems: o.lineItems.map((l, i) => {
        const gross = minor(l.unitPrice) * l.quantity;
        return {
          id: `${o.id}-${i}`,
          productId: l.productId == null ? null : String(l.productId),
          variantId: l.variantId == null ? null : String(l.variantId),
          sku: l.sku ?? null,
          title: l.title,
          variantTitle: l.variantTitle ?? null,
          vendor: null,
          quantity: l.quantity,
          priceMinor: minor(l.unitPrice),
          discountMinor: merchandise > 0 ? Math.round((discounts * gross) / merchandise) : 0,
          giftCard: false,
        };
      }),
    };
  });
  for (let i = 0; i < orders.length; i += 5_000)
    await db.order.createMany({ data: orders.slice(i, i + 5_000) });
  return { shop, end: new Date(shop.calendar.startMs + shop.calendar.historyDays * DAY_MS) };
}
