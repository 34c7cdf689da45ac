import type { AdminGraphql } from "./graphql.server";

// The Admin GraphQL client of a shop for work that runs outside a request (workers,
// sweepers): the offline session stored at install, through the one shopifyApp(...).
// Imported lazily so processes that never call Shopify do not load the app's config.
export async function adminGraphqlFor(shop: string): Promise<AdminGraphql> {
  const { unauthenticated } = await import("~/shopify.server");
  const { admin } = await unauthenticated.admin(shop);
  return admin.graphql as AdminGraphql;
}
