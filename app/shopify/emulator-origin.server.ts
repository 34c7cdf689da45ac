import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

// When SHOPIFY_API_ORIGIN is set (development and tests only; env.server.ts refuses it
// in production), every request the Shopify library makes to https://<shop>/admin/...
// goes to the emulator instead. This is the only switch between Shopify and the emulator.
export function routeShopifyTo(origin: string): void {
  const target = new URL(origin);
  const realFetch = abstractFetch;
  setAbstractFetchFunc(async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname.endsWith(".myshopify.com") || url.pathname.startsWith("/admin/")) {
      const shop = url.hostname;
      url.protocol = target.protocol;
      url.host = target.host;
      const headers = new Headers(init?.headers);
      headers.set("X-Shopify-Shop-Domain", shop);
      return realFetch(url.href, { ...init, headers });
    }
    return realFetch(input, init);
  });
}
