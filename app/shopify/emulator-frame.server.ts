import { env } from "../env.server";

// In emulator mode (SHOPIFY_API_ORIGIN set; refused in production) the emulator plays
// Shopify admin: it frames the app and serves the App Bridge stand-in. These helpers
// adjust what the Shopify library sends for real admin: the frame-ancestors policy and
// the App Bridge script address.

const CDN_APP_BRIDGE = "https://cdn.shopify.com/shopifycloud/app-bridge.js";

/** The App Bridge script the app loads: the emulator's stand-in, or undefined for Shopify's CDN. */
export function emulatorAppBridgeUrl(): string | undefined {
  const origin = env().SHOPIFY_API_ORIGIN;
  return origin ? new URL("/app-bridge.js", origin).href : undefined;
}

export function allowEmulatorFrame(headers: Headers): void {
  const origin = env().SHOPIFY_API_ORIGIN;
  const script = emulatorAppBridgeUrl();
  if (!origin || !script) return;
  const csp = headers.get("Content-Security-Policy");
  if (csp?.startsWith("frame-ancestors")) {
    headers.set(
      "Content-Security-Policy",
      csp.replace("frame-ancestors", `frame-ancestors ${new URL(origin).origin}`),
    );
  }
  if (headers.has("Link")) headers.set("Link", `<${script}>; rel="preload"; as="script";`);
}

/** The library's own pages (session-token bounce, exit-iframe) as the emulator needs them. */
export async function adaptLibraryResponse(response: Response): Promise<Response> {
  const script = emulatorAppBridgeUrl();
  if (!script) return response;
  const headers = new Headers(response.headers);
  allowEmulatorFrame(headers);
  const isHtml = headers.get("Content-Type")?.startsWith("text/html") ?? false;
  const body = isHtml ? (await response.text()).replaceAll(CDN_APP_BRIDGE, script) : response.body;
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}
