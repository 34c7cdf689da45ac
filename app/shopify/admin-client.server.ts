import type { AdminGraphql } from "./graphql.server";

// The Admin GraphQL client of a shop for work that runs outside a request (workers,
// sweepers): the offline session stored at install, through the one shopifyApp(...).
// Imported lazily so processes that never call Shopify do not load the app's config.

/**
 * The shop has no offline session (never installed, uninstalled, or redacted): work that
 * needs its Admin API can only be skipped, and retrying it would fail the same way.
 */
export class NoOfflineSessionError extends Error {
  constructor(
    readonly shop: string,
    options?: ErrorOptions,
  ) {
    super(`No offline session for ${shop}`, options);
    this.name = "NoOfflineSessionError";
  }
}

export async function adminGraphqlFor(shop: string): Promise<AdminGraphql> {
  const { unauthenticated } = await import("~/shopify.server");
  const { SessionNotFoundError } = await import("@shopify/shopify-app-remix/server");
  try {
    const { admin } = await unauthenticated.admin(shop);
    return admin.graphql as AdminGraphql;
  } catch (error) {
    if (error instanceof SessionNotFoundError) throw new NoOfflineSessionError(shop, { cause: error });
    throw error;
  }
}
