import { Session } from "@shopify/shopify-api";
import { env } from "~/env.server";
import { sessionStorage } from "~/shopify.server";
import { sessionToken } from "../../emulator/testing";

// Test support: requests to the embedded admin routes as App Bridge sends them (a fresh
// session token in Authorization), for a shop with a stored offline session, so tests
// call route loaders and actions through the library's real authentication.

export async function storeOfflineSession(shop: string): Promise<void> {
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
  session.accessToken = "offline-token-for-tests";
  session.scope = env().SCOPES;
  await sessionStorage.storeSession(session);
}

export function adminRequest(shop: string, path: string, init: RequestInit = {}): Request {
  const token = sessionToken(shop, { apiKey: env().SHOPIFY_API_KEY, secret: env().SHOPIFY_API_SECRET });
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return new Request(new URL(path, env().SHOPIFY_APP_URL), { ...init, headers });
}

/** A form POST to an admin action. */
export function adminForm(shop: string, path: string, fields: Record<string, string>): Request {
  return adminRequest(shop, path, { method: "POST", body: new URLSearchParams(fields) });
}
