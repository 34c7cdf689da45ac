import type { ProductInput } from "../../emulator/resources/inputs";
import { DAY_MS, type Calendar } from "../model/calendar";
import type { ShopParams } from "../model/params";
import { Rng } from "../random/rng";
import { lognormal, poisson } from "../random/samplers";
import { BRAND_PARTS, CATEGORIES, VARIANT_OPTIONS, type CategorySpec } from "./vocabulary";

export const PRODUCT_ID_BASE = 8_100_000_000_000;
export const VARIANT_ID_BASE = 44_100_000_000_000;
export const COLLECTION_ID_BASE = 4_300_000_000_000;

export interface SimVariant {
  id: number;
  title: string;
  sku: string;
  priceMinor: number;
  unitCostMinor: number;
  inventory: number;
}

export interface SimProduct {
  id: number;
  title: string;
  handle: string;
  description: string;
  category: number;
  productType: string;
  vendor: string;
  tags: string[];
  collectionIds: number[];
  createdAt: string;
  /** Quality shifts review ratings a little (−0.4..+0.4 stars). */
  quality: number;
  variants: SimVariant[];
}

export interface SimCollection {
  id: number;
  title: string;
  handle: string;
  productIds: number[];
}

/** Every variant of a category sorted by price, for picking a line near a target price. */
export interface PriceLadder {
  prices: Float64Array;
  product: Int32Array;
  variant: Int32Array;
}

export interface Catalog {
  categories: CategorySpec[];
  products: SimProduct[];
  collections: SimCollection[];
  ladders: PriceLadder[];
  /** Mean gross margin rate of each category's catalogue. */
  categoryMargin: Float64Array;
}

const EXTRA_COLLECTIONS = ["Bestsellers", "New Arrivals", "Gift Guide", "Sale"] as const;

export function generateCatalog(params: ShopParams, calendar: Calendar): Catalog {
  const rng = Rng.forLabel(params.seed, "catalog");
  const brands = BRAND_PARTS.first.flatMap((a) => BRAND_PARTS.second.map((b) => `${a} ${b}`));
  const shopBrands = Array.from({ length: 6 }, () => rng.pick(brands));
  const collections: SimCollection[] = [...CATEGORIES.map((c) => c.name), ...EXTRA_COLLECTIONS].map(
    (title, i) => ({ id: COLLECTION_ID_BASE + i + 1, title, handle: slug(title), productIds: [] }),
  );
  const titles = new Set<string>();
  const products: SimProduct[] = [];
  let variantSeq = 0;

  for (let i = 0; i < params.products; i++) {
    const category = i % CATEGORIES.length;
    const spec = CATEGORIES[category] as CategorySpec;
    const material = rng.pick(spec.materials);
    const title = uniqueTitle(titles, `${rng.pick(spec.adjectives)} ${material} ${rng.pick(spec.nouns)}`);
    const id = PRODUCT_ID_BASE + i + 1;
    const basePrice = Math.max(4, lognormal(rng, Math.log(spec.medianPrice), spec.priceSigma));
    const margin = spec.marginLow + rng.float() * (spec.marginHigh - spec.marginLow);
    const axis = rng.chance(0.15) ? "none" : spec.variantAxis;
    const variants = VARIANT_OPTIONS[axis].map((option, v) => {
      const priceMinor = Math.round(basePrice * option.priceFactor) * 100 - (rng.chance(0.6) ? 5 : 0);
      variantSeq++;
      return {
        id: VARIANT_ID_BASE + variantSeq,
        title: option.title,
        sku: `${spec.productType.slice(0, 3).toUpperCase()}-${String(i + 1).padStart(4, "0")}-${v + 1}`,
        priceMinor,
        unitCostMinor: Math.round(priceMinor * (1 - margin)),
        inventory: poisson(rng, 40),
      };
    });
    const extras = EXTRA_COLLECTIONS.filter(() => rng.chance(0.15));
    const memberOf = [
      collections[category] as SimCollection,
      ...extras.map((x) => collectionByTitle(collections, x)),
    ];
    for (const c of memberOf) c.productIds.push(id);
    products.push({
      id,
      title,
      handle: slug(title),
      description: describe(rng, spec, title, material),
      category,
      productType: spec.productType,
      vendor: rng.pick(shopBrands),
      tags: [slug(spec.name), slug(material), ...extras.map(slug)],
      collectionIds: memberOf.map((c) => c.id),
      createdAt: new Date(calendar.startMs - (30 + rng.int(900)) * DAY_MS).toISOString(),
      quality: (rng.float() - 0.5) * 0.8,
      variants,
    });
  }

  const ladders = CATEGORIES.map((_, category) => ladder(products, category));
  const categoryMargin = new Float64Array(CATEGORIES.length);
  CATEGORIES.forEach((_, c) => {
    const variants = products.filter((p) => p.category === c).flatMap((p) => p.variants);
    const price = variants.reduce((s, v) => s + v.priceMinor, 0);
    const cost = variants.reduce((s, v) => s + v.unitCostMinor, 0);
    categoryMargin[c] = price > 0 ? 1 - cost / price : 0;
  });
  return { categories: CATEGORIES, products, collections, ladders, categoryMargin };
}

function ladder(products: SimProduct[], category: number): PriceLadder {
  const rows: Array<[number, number, number]> = [];
  products.forEach((p, pi) => {
    if (p.category === category) p.variants.forEach((v, vi) => rows.push([v.priceMinor, pi, vi]));
  });
  rows.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return {
    prices: Float64Array.from(rows, (r) => r[0]),
    product: Int32Array.from(rows, (r) => r[1]),
    variant: Int32Array.from(rows, (r) => r[2]),
  };
}

function describe(rng: Rng, spec: CategorySpec, title: string, material: string): string {
  const [a, b] = [rng.pick(spec.features), rng.pick(spec.features)];
  const extra = a === b ? "" : ` It also has ${b}.`;
  return `The ${title} is made from ${material.toLowerCase()} with ${a}.${extra} Designed to be used every day and built to last.`;
}

function uniqueTitle(seen: Set<string>, title: string): string {
  let candidate = title;
  for (let n = 2; seen.has(candidate); n++) candidate = `${title} ${romanish(n)}`;
  seen.add(candidate);
  return candidate;
}

function romanish(n: number): string {
  return ["", "", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n] ?? `No. ${n}`;
}

function collectionByTitle(collections: SimCollection[], title: string): SimCollection {
  const found = collections.find((c) => c.title === title);
  if (!found) throw new Error(`Unknown collection ${title}`);
  return found;
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The emulator's product input: title, description, and variants with price, inventory and cost. */
export function productInput(product: SimProduct): ProductInput {
  return {
    id: product.id,
    title: product.title,
    handle: product.handle,
    descriptionHtml: `<p>${product.description}</p>`,
    productType: product.productType,
    vendor: product.vendor,
    tags: product.tags,
    status: "ACTIVE",
    createdAt: product.createdAt,
    updatedAt: product.createdAt,
    variants: product.variants.map((v) => ({
      id: v.id,
      title: v.title,
      sku: v.sku,
      price: (v.priceMinor / 100).toFixed(2),
      inventoryQuantity: v.inventory,
      unitCost: (v.unitCostMinor / 100).toFixed(2),
    })),
  };
}
