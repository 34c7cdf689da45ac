// Answers of the storefront app proxy (extensions/loyalty-widget/PROXY_CONTRACT.md): JSON,
// personal, never cached by Shopify's edge, a browser or anything between.

export const PROXY_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "private, no-store",
  // The answer depends on the signed query (customer, shop) and on what the client accepts.
  Vary: "Accept, Accept-Encoding",
} as const;

export type ProxyErrorCode =
  | "invalid_request"
  | "login_required"
  | "invalid_signature"
  | "not_member"
  | "reward_not_found"
  | "key_reused"
  | "insufficient_points"
  | "reward_unavailable"
  | "limit_reached"
  | "below_minimum_subtotal"
  | "rate_limited"
  | "code_unavailable"
  | "code_pending"
  | "shop_unavailable"
  | "message_not_found";

export function proxyJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...PROXY_HEADERS, ...headers } });
}

export function proxyError(
  status: number,
  code: ProxyErrorCode,
  message: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  return proxyJson({ error: { code, message, ...details } }, status, headers);
}
