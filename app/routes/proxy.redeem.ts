import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { proxyDeps } from "~/storefront/proxy-deps.server";
import { PROXY_ENDPOINTS } from "~/storefront/proxy.server";

// POST {storefront}/apps/loyalty/redeem through Shopify's app proxy; PROXY_CONTRACT.md.
// The production server answers it without Remix (storefront/proxy-node.server.ts, ADR 0063).
export const loader = ({ request }: LoaderFunctionArgs) =>
  PROXY_ENDPOINTS.redeem.loader(request, proxyDeps());

export const action = ({ request }: ActionFunctionArgs) =>
  PROXY_ENDPOINTS.redeem.action(request, proxyDeps());
