import { Session } from "@shopify/shopify-api";
import { env } from "~/env.server";
import { routeShopifyTo } from "~/shopify/emulator-origin.server";
import { sessionStorage } from "~/shopify.server";
import type { Emulator } from "../../emulator/server";
import { installApp, sessionToken, startTestEmulator } from "../../emulator/testing";

// Test support for the embedded admin's loaders and actions, called directly the way
// Remix calls them: requests carry the session token Shopify admin hands the app (the
// emulator's signer, keyed by this app's key and secret), as App Bridge sends it on every
// fetch, and the shop's offline session is stored as the install leaves it, so
// authenticate.admin accepts the request and admin.graphql reaches the emulator.

/** The staff user the session tokens name (`sub`); adjustments record it. */
export const STAFF_ID = "42";

/** An in-process emulator with the shop installed and the app's Shopify calls routed to it. */
export async function adminEmulator(shop: string): Promise<Emulator> {
  const emulator = await startTestEmulator();
  emulator.store.createShop({ domain: shop });
  routeShopifyTo(emulator.url);
  return emulator;
}

/** Stores the shop's offline session with a token the emulator accepts (after a database reset). */
export async function storeOfflineSession(emulator: Emulator, shop: string): Promise<void> {
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
  session.accessToken = await installApp(emulator, shop);
  session.scope = env().SCOPES;
  await sessionStorage.storeSession(session);
}

/**
 * Stores an offline session whose token no Shopify accepts, for routes that authenticate
 * but never call the Admin API (a test that needs admin.graphql uses storeOfflineSession).
 */
export async function storeSessionWithoutShopify(shop: string): Promise<void> {
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
  session.accessToken = "offline-token-for-tests";
  session.scope = env().SCOPES;
  await sessionStorage.storeSession(session);
}

/**
 * A request to the embedded admin at `path`, authenticated as `shop`'s staff: a form makes
 * it a form POST; a RequestInit is used as given (raw or streamed bodies).
 */
export function adminRequest(
  shop: string,
  path: string,
  body?: Record<string, string> | RequestInit,
): Request {
  const config = env();
  const token = sessionToken(shop, {
    apiKey: config.SHOPIFY_API_KEY,
    secret: config.SHOPIFY_API_SECRET,
    claims: { sub: STAFF_ID },
  });
  const url = new URL(path, config.SHOPIFY_APP_URL);
  if (!body) return new Request(url, { headers: { Authorization: `Bearer ${token}` } });
  if (isRequestInit(body)) {
    const headers = new Headers(body.headers);
    headers.set("Authorization", `Bearer ${token}`);
    return new Request(url, { ...body, headers });
  }
  return new Request(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: new URLSearchParams(body),
  });
}

function isRequestInit(value: Record<string, string> | RequestInit): value is RequestInit {
  return "method" in value || "body" in value || "headers" in value;
}

/** Loader/action arguments as Remix passes them. */
export function routeArgs(request: Request, params: Record<string, string> = {}) {
  return { request, params, context: {} };
}

/** The JSON body and status of what a loader or action returned (a plain object, `data(...)` or a Response). */
export async function answer(result: unknown): Promise<{ status: number; body: unknown }> {
  if (result instanceof Response) return { status: result.status, body: await result.json() };
  if (isDataWithResponseInit(result)) return { status: result.init?.status ?? 200, body: result.data };
  return { status: 200, body: result };
}

function isDataWithResponseInit(value: unknown): value is { data: unknown; init: ResponseInit | null } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "DataWithResponseInit"
  );
}
