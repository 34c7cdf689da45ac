import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { proxyDeps } from "~/storefront/proxy-deps.server";
import { methodNotAllowed, proxyRedeem } from "~/storefront/proxy.server";

// POST {storefront}/apps/loyalty/redeem through Shopify's app proxy; PROXY_CONTRACT.md.
export const action = ({ request }: ActionFunctionArgs) =>
  request.method === "POST" ? proxyRedeem(request, proxyDeps()) : methodNotAllowed("POST");

export const loader = (_args: LoaderFunctionArgs) => methodNotAllowed("POST");
