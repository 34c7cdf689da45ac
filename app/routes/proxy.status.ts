import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { proxyDeps } from "~/storefront/proxy-deps.server";
import { PROXY_ENDPOINTS } from "~/storefront/proxy.server";

// GET {storefront}/apps/loyalty/status through Shopify's app proxy (shopify.app.toml
// [app_proxy]); the JSON is PROXY_CONTRACT.md's.
// The production server answers it without Remix (storefront/proxy-node.server.ts, ADR 0063).
export const loader = ({ request }: LoaderFunctionArgs) =>
  PROXY_ENDPOINTS.status.loader(request, proxyDeps());

export const action = ({ request }: ActionFunctionArgs) =>
  PROXY_ENDPOINTS.status.action(request, proxyDeps());
