// The Admin GraphQL client as our services see it: the `admin.graphql` function of
// @shopify/shopify-app-remix (or of an unauthenticated admin context in workers).
export type AdminGraphql = (
  query: string,
  options?: { variables?: Record<string, unknown> },
) => Promise<Response>;

export class ShopifyUserError extends Error {
  override name = "ShopifyUserError";
  constructor(
    readonly operation: string,
    readonly userErrors: Array<{ field?: string[] | null; message: string }>,
  ) {
    super(`${operation}: ${userErrors.map((e) => e.message).join("; ")}`);
  }
}

// Runs one operation and returns its data; GraphQL errors become a thrown error with
// their messages, so no caller can ignore them.
export async function runGraphql<T>(
  graphql: AdminGraphql,
  operation: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const response = await graphql(query, variables ? { variables } : undefined);
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) {
    throw new Error(`${operation}: ${body.errors.map((e) => e.message).join("; ")}`);
  }
  if (!body.data) throw new Error(`${operation}: response had no data`);
  return body.data;
}
