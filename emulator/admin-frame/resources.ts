import { formatDecimal } from "../resources/money";
import type { ShopState } from "../store";

// What the admin frame's resource picker lists: the shop's products, their variants or its
// collections, searched by title (and SKU for variants), shaped as App Bridge's
// resourcePicker returns them (the fields the app reads, plus the common ones).

export type PickerType = "product" | "variant" | "collection";
export const PICKER_TYPES: readonly PickerType[] = ["product", "variant", "collection"];
const LIMIT = 50;

export function pickerResources(shop: ShopState, type: PickerType, query: string): unknown[] {
  const q = query.trim().toLowerCase();
  const matches = (...texts: (string | null)[]) => !q || texts.some((t) => t?.toLowerCase().includes(q));
  const currency = shop.shop.currencyCode;
  const products = [...shop.products.values()].filter((p) => p.status === "ACTIVE");
  if (type === "collection") {
    return [...shop.collections.values()]
      .filter((c) => matches(c.title))
      .slice(0, LIMIT)
      .map((c) => ({ id: c.id, title: c.title, handle: c.handle, productsCount: c.productIds.length }));
  }
  if (type === "variant") {
    return products
      .flatMap((p) =>
        p.variants.map((v) => ({
          id: v.id,
          title: v.title,
          displayName: `${p.title} - ${v.title}`,
          sku: v.sku,
          price: formatDecimal(v.priceMinor, currency),
          product: { id: p.id, title: p.title },
        })),
      )
      .filter((v) => matches(v.displayName, v.sku))
      .slice(0, LIMIT);
  }
  return products
    .filter((p) => matches(p.title, ...p.variants.map((v) => v.sku)))
    .slice(0, LIMIT)
    .map((p) => ({
      id: p.id,
      title: p.title,
      handle: p.handle,
      productType: p.productType,
      vendor: p.vendor,
      tags: p.tags,
      status: p.status,
      totalVariants: p.variants.length,
      hasOnlyDefaultVariant: p.variants.length === 1,
      images: [],
      variants: p.variants.map((v) => ({
        id: v.id,
        title: v.title,
        displayName: `${p.title} - ${v.title}`,
        price: formatDecimal(v.priceMinor, currency),
        sku: v.sku,
      })),
    }));
}
