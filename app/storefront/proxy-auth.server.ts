import { timingSafeEqual } from "node:crypto";
import { parseShopifyId } from "~/ingest/payload-common";
import type { AdminGraphql } from "~/shopify/graphql.server";
import { proxyError } from "./proxy-response";
import { proxySignature } from "./proxy-signature";

// Every app proxy request is signed by Shopify: the query (shop, logged_in_customer_id,
// path_prefix, timestamp) with an HMAC in `signature`. We check the timestamp and repeats
// first, against our own clock and for EVERY parameter (a repeated logged_in_customer_id is
// signed as "1,2" and would otherwise pass), then the HMAC itself, computed as the library's
// `validateHmac` computes it (proxy-signature.ts), so each refusal is the contract's 401
// `invalid_signature` with a message saying why. The library (`authenticate.public.appProxy`)
// is asked only by an endpoint that calls the Admin API (redeem): it checks the HMAC again
// and reads the shop's offline session, a database read every storefront view would
// otherwise pay for nothing (ADR 0063).

export const PROXY_TIMESTAMP_TOLERANCE_SECONDS = 90;

/** What the library's appProxy authentication gives back (admin only when the shop has an offline session). */
export interface AppProxyContext {
  session?: { shop: string } | undefined;
  admin?: { graphql: AdminGraphql } | undefined;
}

export type AppProxyAuthenticate = (request: Request) => Promise<AppProxyContext>;

export interface ProxyIdentity {
  shop: string;
  /** The logged-in customer, or null for a guest. */
  customerId: bigint | null;
  /** Admin GraphQL for the shop, when the app is installed (an offline session exists). */
  graphql: AdminGraphql | null;
}

export class ProxyRefused extends Error {
  override name = "ProxyRefused";
  constructor(readonly response: Response) {
    super(`app proxy request refused with ${response.status}`);
  }
}

const refuse = (message: string) =>
  new ProxyRefused(proxyError(401, "invalid_signature", `Invalid app proxy signature: ${message}`));

/** Shape and freshness checks that need no secret; null when the query may go on to the HMAC check. */
export function proxyQueryProblem(params: URLSearchParams, now: Date): string | null {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key)) return `the query parameter "${key}" appears more than once.`;
    seen.add(key);
  }
  if (!params.get("signature")) return "the signature parameter is missing.";
  const shop = params.get("shop");
  if (!shop || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(shop)) return "the shop parameter is missing.";
  const timestamp = params.get("timestamp") ?? "";
  if (!/^\d+$/.test(timestamp)) return "the timestamp parameter is missing or not a whole number.";
  const age = Math.abs(Math.trunc(now.getTime() / 1000) - Number(timestamp));
  if (age > PROXY_TIMESTAMP_TOLERANCE_SECONDS)
    return `the request is stale (timestamp ${age} s away from now; at most ${PROXY_TIMESTAMP_TOLERANCE_SECONDS} s).`;
  return null;
}

/**
 * Verifies an app proxy request and says who is asking. Throws ProxyRefused (with the
 * response to send) for a bad, stale or repeated signature, or a malformed customer id.
 */
export async function authenticateProxy(
  request: Request,
  deps: {
    appProxy: AppProxyAuthenticate;
    now: Date;
    /** The app's API secret, which Shopify signs with. */
    secret: string;
    /** The endpoint calls the Admin API: load the shop's offline session for `graphql`. */
    admin?: boolean;
  },
): Promise<ProxyIdentity> {
  const params = new URL(request.url).searchParams;
  const problem = proxyQueryProblem(params, deps.now);
  if (problem) throw refuse(problem);
  if (!signatureMatches(params, deps.secret)) throw refuse("the signature does not match the query.");
  let context: AppProxyContext = {};
  if (deps.admin) {
    try {
      context = await deps.appProxy(request);
    } catch (error) {
      if (error instanceof Response) throw refuse("the signature does not match the query.");
      throw error;
    }
  }
  const customer = params.get("logged_in_customer_id") ?? "";
  // An id beyond bigint could never be a stored customer; a query with it would fail.
  const customerId = customer === "" ? null : parseShopifyId(customer);
  if (customer !== "" && customerId === null) {
    throw new ProxyRefused(
      proxyError(400, "invalid_request", "logged_in_customer_id is not a customer id.", {
        fields: { logged_in_customer_id: "Not a customer id." },
      }),
    );
  }
  return {
    shop: params.get("shop")!.toLowerCase(),
    customerId,
    graphql: context.admin ? context.admin.graphql : null,
  };
}

/** The query's `signature` is the HMAC of the rest with the app's secret (compared in constant time). */
function signatureMatches(params: URLSearchParams, secret: string): boolean {
  const given = Buffer.from(params.get("signature") ?? "", "utf8");
  const expected = Buffer.from(proxySignature(params, secret), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
