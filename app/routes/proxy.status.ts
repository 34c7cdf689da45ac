import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { proxyDeps } from "~/storefront/proxy-deps.server";
import { methodNotAllowed, proxyStatus } from "~/storefront/proxy.server";

// GET {storefront}/apps/loyalty/status through Shopify's app proxy (shopify.app.toml
// [app_proxy]); the JSON is PROXY_CONTRACT.md's.
export const loader = ({ request }: LoaderFunctionArgs) => proxyStatus(request, proxyDeps());

export const action = (_args: ActionFunctionArgs) => methodNotAllowed("GET");
