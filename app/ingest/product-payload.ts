import { z } from "zod";
import { graphqlId, instant, numericId, tagList } from "./payload-common";

// products/create and products/update (the REST product, API 2025-10). Collections are
// not in the payload; collectionIds are left as the backfill or a later sync set them.

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
  })
  .loose();

export type ProductPayload = z.infer<typeof productPayload>;
