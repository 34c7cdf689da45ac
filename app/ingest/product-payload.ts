import { z } from "zod";
import { decimal, graphqlId, instant, numericId, tagList } from "./payload-common";

// products/create and products/update (the REST product, API 2025-10). Collections are
// not in the payload; collectionIds are left as the backfill or a later sync set them.
// Variants carry price and stock on hand (null inventory_management: not tracked); the
// unit cost is not in the REST product, so the bulk backfill's value stands.

export const productVariantPayload = z
  .object({
    id: numericId,
    title: z.string().nullish(),
    sku: z.string().nullish(),
    price: decimal.nullish(),
    inventory_quantity: z.int32().nullish(),
    inventory_management: z.string().nullish(),
  })
  .loose();

export const productPayload = z
  .object({
    id: numericId,
    admin_graphql_api_id: graphqlId.nullish(),
    title: z.string(),
    handle: z.string().nullish(),
    body_html: z.string().nullish(),
    product_type: z.string().nullish(),
    vendor: z.string().nullish(),
    status: z.string().nullish(),
    tags: tagList,
    updated_at: instant,
    variants: z.array(productVariantPayload).default([]),
  })
  .loose();

export type ProductPayload = z.infer<typeof productPayload>;
