import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { proxyDeps } from "~/storefront/proxy-deps.server";
import { methodNotAllowed, proxyBirthday } from "~/storefront/proxy.server";

// POST {storefront}/apps/loyalty/birthday through Shopify's app proxy; PROXY_CONTRACT.md.
export const action = ({ request }: ActionFunctionArgs) =>
  request.method === "POST" ? proxyBirthday(request, proxyDeps()) : methodNotAllowed("POST");

export const loader = (_args: LoaderFunctionArgs) => methodNotAllowed("POST");
