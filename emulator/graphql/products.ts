import { formatDecimal } from "../resources/money";
import type { ProductRecord, VariantRecord } from "../resources/records";
import { gid, legacyIdOf } from "../resources/records";
import type { ShopState } from "../store";
import { connectionTypes, PAGINATION_ARGS } from "./common";
import { paginate, sortRecords, type PageArgs } from "./connection";
import type { GraphqlContext, GraphqlModule } from "./module";
import { searchFilter, type SearchFields } from "./search-query";

// Product, ProductVariant, products(...) and product(id).

/** Product.description: Shopify's descriptionHtml with its tags stripped and spaces collapsed. */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

const SORT_KEYS: Record<string, (p: ProductRecord) => string | number> = {
  ID: (p) => p.legacyId,
  CREATED_AT: (p) => p.createdAt,
  UPDATED_AT: (p) => p.updatedAt,
  TITLE: (p) => p.title.toLowerCase(),
  PRODUCT_TYPE: (p) => p.productType.toLowerCase(),
  VENDOR: (p) => p.vendor.toLowerCase(),
  RELEVANCE: (p) => p.legacyId,
};

const SEARCH_FIELDS: SearchFields<ProductRecord> = {
  id: (p) => p.legacyId,
  title: (p) => p.title,
  handle: (p) => p.handle,
  product_type: (p) => p.productType,
  vendor: (p) => p.vendor,
  tag: (p) => p.tags,
  status: (p) => p.status.toLowerCase(),
  sku: (p) => p.variants.map((v) => v.sku ?? ""),
  created_at: (p) => p.createdAt,
  updated_at: (p) => p.updatedAt,
};

type VariantWithProduct = VariantRecord & { product: ProductRecord };

export function findVariant(shop: ShopState, variantGid: string): VariantWithProduct | null {
  for (const product of shop.products.values()) {
    const variant = product.variants.find((v) => v.id === variantGid);
    if (variant) return { ...variant, product };
  }
  return null;
}

export const productsModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    enum ProductSortKeys { CREATED_AT ID PRODUCT_TYPE RELEVANCE TITLE UPDATED_AT VENDOR }
    enum ProductStatus { ACTIVE ARCHIVED DRAFT }

    type ProductVariant {
      id: ID!
      legacyResourceId: UnsignedInt64!
      title: String!
      displayName: String!
      sku: String
      price: Decimal!
      inventoryQuantity: Int
      inventoryItem: InventoryItem!
      product: Product!
    }
    type InventoryItem {
      id: ID!
      tracked: Boolean!
      unitCost: MoneyV2
    }
    ${connectionTypes("ProductVariant")}

    type Product {
      id: ID!
      legacyResourceId: UnsignedInt64!
      title: String!
      handle: String!
      description: String!
      descriptionHtml: HTML!
      productType: String!
      vendor: String!
      tags: [String!]!
      status: ProductStatus!
      createdAt: DateTime!
      updatedAt: DateTime!
      variants(${PAGINATION_ARGS}): ProductVariantConnection!
    }
    ${connectionTypes("Product")}

    extend type Query {
      products(${PAGINATION_ARGS}, query: String, sortKey: ProductSortKeys = ID): ProductConnection!
      product(id: ID!): Product
    }
  `,
  resolvers: {
    Query: {
      products: (
        _: unknown,
        args: PageArgs & { query?: string | null; sortKey: string },
        ctx: GraphqlContext,
      ) => {
        const matches = searchFilter(args.query, SEARCH_FIELDS, (p) => [
          p.title,
          p.handle,
          p.vendor,
          p.productType,
        ]);
        const key = SORT_KEYS[args.sortKey] ?? SORT_KEYS.ID!;
        return paginate(sortRecords([...ctx.shop.products.values()].filter(matches), key), args);
      },
      product: (_: unknown, args: { id: string }, ctx: GraphqlContext) =>
        ctx.shop.products.get(legacyIdOf("Product", args.id) ?? -1) ?? null,
    },
    Product: {
      legacyResourceId: (p: ProductRecord) => String(p.legacyId),
      description: (p: ProductRecord) => htmlToText(p.descriptionHtml),
      variants: (p: ProductRecord, args: PageArgs) =>
        paginate(
          p.variants.map((v) => ({ ...v, product: p })),
          args,
        ),
    },
    ProductVariant: {
      legacyResourceId: (v: VariantWithProduct) => String(v.legacyId),
      displayName: (v: VariantWithProduct) => `${v.product.title} - ${v.title}`,
      price: (v: VariantWithProduct, _: unknown, ctx: GraphqlContext) =>
        formatDecimal(v.priceMinor, ctx.shop.shop.currencyCode),
      // One inventory item per variant; the emulator numbers it as its variant.
      inventoryItem: (v: VariantWithProduct) => ({ variant: v }),
    },
    InventoryItem: {
      id: (i: { variant: VariantWithProduct }) => gid("InventoryItem", i.variant.legacyId),
      tracked: (i: { variant: VariantWithProduct }) => i.variant.inventoryQuantity !== null,
      unitCost: (i: { variant: VariantWithProduct }, _: unknown, ctx: GraphqlContext) =>
        i.variant.unitCostMinor === null
          ? null
          : {
              amount: formatDecimal(i.variant.unitCostMinor, ctx.shop.shop.currencyCode),
              currencyCode: ctx.shop.shop.currencyCode,
            },
    },
  },
};
