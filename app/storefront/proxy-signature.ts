import { createHmac } from "node:crypto";

// Shopify's app proxy signature: every query parameter except `signature` (and `hmac`, as the
// Shopify library leaves it out), sorted by name as the library sorts them, written as
// `name=value` (repeated values joined by commas) with no separator, HMAC-SHA256 hex with
// the app's secret. The proxy checks requests with it (proxy-auth.server.ts); the storefront
// harness, tests and benchmarks that stand in for Shopify sign with it.

export function proxySignature(params: URLSearchParams, secret: string): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "signature" || key === "hmac") continue;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const message = [...values.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => `${key}=${list.join(",")}`)
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

export interface ProxyQueryInput {
  shop: string;
  customerId: bigint | string | null;
  secret: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  pathPrefix?: string;
  /** Extra parameters the storefront request carried (they are signed too). */
  extra?: Iterable<[string, string]>;
}

/** The signed query Shopify appends when it forwards a storefront request to the app. */
export function signedProxyQuery(input: ProxyQueryInput): URLSearchParams {
  const params = new URLSearchParams([...(input.extra ?? [])]);
  params.set("shop", input.shop);
  params.set("logged_in_customer_id", input.customerId === null ? "" : String(input.customerId));
  params.set("path_prefix", input.pathPrefix ?? "/apps/loyalty");
  params.set("timestamp", String(input.timestamp ?? Math.trunc(Date.now() / 1000)));
  params.set("signature", proxySignature(params, input.secret));
  return params;
}
