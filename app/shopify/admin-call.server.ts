import type { AdminGraphql } from "./graphql.server";

// One Admin GraphQL call, classified so callers can decide what to retry. Works with both
// shapes of AdminGraphql: a plain fetch-like function that returns every answer (tests,
// scripts) and @shopify/shopify-app-remix's admin.graphql, which throws GraphqlQueryError
// (GraphQL errors such as THROTTLED, with the body attached) or HttpResponseError /
// HttpInternalError (non-200 answers) instead.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export type AdminCallResult<T> =
  | { ok: true; data: T; cost: CostExtension | null }
  /** THROTTLED: nothing ran; retry after the bucket refills. */
  | { ok: false; kind: "throttled"; cost: CostExtension | null; message: string }
  /** 5xx, a network failure or a timeout: the call may or may not have run. */
  | { ok: false; kind: "transient"; message: string }
  /** GraphQL errors or a 4xx: retrying the same call fails the same way. */
  | { ok: false; kind: "failed"; message: string };

type Body<T> = {
  data?: T;
  errors?: unknown;
  extensions?: { cost?: CostExtension };
};

type GraphqlError = { message?: string; extensions?: { code?: string } };

export async function adminCall<T>(
  graphql: AdminGraphql,
  operation: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<AdminCallResult<T>> {
  let body: Body<T>;
  try {
    const response = await graphql(query, variables ? { variables } : undefined);
    if (response.status >= 500)
      return { ok: false, kind: "transient", message: `${operation}: HTTP ${response.status}` };
    if (response.status === 429)
      return { ok: false, kind: "throttled", cost: null, message: `${operation}: HTTP 429` };
    if (!response.ok) return { ok: false, kind: "failed", message: `${operation}: HTTP ${response.status}` };
    body = (await response.json()) as Body<T>;
  } catch (error) {
    return fromThrown<T>(operation, error);
  }
  return fromBody(operation, body);
}

function fromBody<T>(operation: string, body: Body<T>): AdminCallResult<T> {
  const cost = body.extensions?.cost ?? null;
  const errors = graphqlErrors(body.errors);
  if (errors.length) {
    const message = `${operation}: ${errors.map((e) => e.message ?? "GraphQL error").join("; ")}`;
    if (errors.some((e) => e.extensions?.code === "THROTTLED"))
      return { ok: false, kind: "throttled", cost, message };
    if (errors.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR"))
      return { ok: false, kind: "transient", message };
    return { ok: false, kind: "failed", message };
  }
  if (body.data === undefined || body.data === null)
    return { ok: false, kind: "failed", message: `${operation}: response had no data` };
  return { ok: true, data: body.data, cost };
}

// The remix client's errors: GraphqlQueryError carries `body` ({ errors: { graphQLErrors }, extensions });
// HTTP errors carry `response.code`; anything else (fetch failed, aborted) is a network failure.
function fromThrown<T>(operation: string, error: unknown): AdminCallResult<T> {
  const e = error as {
    message?: string;
    body?: { errors?: { graphQLErrors?: unknown }; extensions?: { cost?: CostExtension } };
    response?: { code?: number };
    code?: number;
  };
  const graphQLErrors = e?.body?.errors?.graphQLErrors;
  if (graphQLErrors !== undefined) {
    return fromBody<T>(operation, { errors: graphQLErrors, extensions: e.body?.extensions });
  }
  const status = e?.response?.code ?? e?.code;
  const message = `${operation}: ${e?.message ?? String(error)}`;
  if (typeof status === "number" && status === 429)
    return { ok: false, kind: "throttled", cost: null, message };
  if (typeof status === "number" && status >= 400 && status < 500)
    return { ok: false, kind: "failed", message };
  return { ok: false, kind: "transient", message };
}

function graphqlErrors(errors: unknown): GraphqlError[] {
  if (!errors) return [];
  if (Array.isArray(errors)) return errors as GraphqlError[];
  if (typeof errors === "string") return [{ message: errors }];
  return [errors as GraphqlError];
}

/** Milliseconds until the bucket holds `needed` points again (0 when it already does). */
export function waitForBucket(status: ThrottleStatus | null | undefined, needed: number): number {
  if (!status || status.restoreRate <= 0) return 0;
  const missing = Math.min(needed, status.maximumAvailable) - status.currentlyAvailable;
  return missing <= 0 ? 0 : Math.ceil((missing / status.restoreRate) * 1000);
}
