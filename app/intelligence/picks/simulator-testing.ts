// A simulator shop as the weekly picks see it: every order line (net of the order's
// discount, spread over lines by value), and each product's first variant's price, unit
// cost and inventory — what the mirror holds after a sync of the emulator.
import type { GeneratedShop } from "../../../simulator/index";
import type { CatalogProduct, SoldLine } from "./pipeline";

export function simulatorLines(shop: GeneratedShop): SoldLine[] {
  const lines: SoldLine[] = [];
  for (const o of shop.orders) {
    const at = new Date(String(o.processedAt ?? o.createdAt));
    if (o.cancelledAt) continue;
    const gross = o.lineItems.reduce((s, l) => s + Math.round(Number(l.unitPrice) * 100) * l.quantity, 0);
    const discount = (o.discountCodes ?? []).reduce((s, d) => s + Math.round(Number(d.amount) * 100), 0);
    for (const l of o.lineItems) {
      const lineGross = Math.round(Number(l.unitPrice) * 100) * l.quantity;
      lines.push({
        productId: String(l.productId),
        at,
        quantity: l.quantity,
        netMinor: lineGross - (gross > 0 ? (discount * lineGross) / gross : 0),
      });
    }
  }
  return lines;
}

export function simulatorProducts(shop: GeneratedShop): CatalogProduct[] {
  return shop.catalog.products.map((p) => ({
    id: String(p.id),
    title: p.title,
    priceMinor: p.variants[0]!.priceMinor,
    costMinor: p.variants[0]!.unitCostMinor,
    inventory: p.variants.reduce((s, v) => s + v.inventory, 0),
  }));
}
