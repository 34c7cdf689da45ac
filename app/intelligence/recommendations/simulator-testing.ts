// Simulator shops as the recommender sees them: the catalogue's products (with the
// descriptions the emulator now serves) in ascending id order, and every order line as a
// purchase in days since the calendar's start.
import type { GeneratedShop } from "../../../simulator/index";
import { DAY_MS } from "../../../simulator/index";
import type { PurchaseEvent } from "./evaluate";
import { idOrder } from "./recommend";
import type { ProductText } from "./tfidf";

export function simulatorCatalog(shop: GeneratedShop): { ids: string[]; texts: ProductText[] } {
  const products = [...shop.catalog.products].sort((a, b) => idOrder(String(a.id), String(b.id)));
  return {
    ids: products.map((p) => String(p.id)),
    texts: products.map((p) => ({
      title: p.title,
      description: p.description,
      productType: p.productType,
      tags: p.tags,
    })),
  };
}

export function simulatorPurchases(shop: GeneratedShop): PurchaseEvent[] {
  const out: PurchaseEvent[] = [];
  for (const o of shop.orders) {
    const day = (Date.parse(String(o.processedAt)) - shop.calendar.startMs) / DAY_MS;
    for (const line of o.lineItems)
      if (line.productId != null)
        out.push({ customerId: String(o.customerId), productId: String(line.productId), day });
  }
  return out;
}
