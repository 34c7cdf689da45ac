import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { proxyDeps } from "~/storefront/proxy-deps.server";
import { methodNotAllowed, proxyInbox } from "~/storefront/proxy.server";

// GET (the member's widget inbox) and POST (mark one or all read) on
// {storefront}/apps/loyalty/inbox through Shopify's app proxy; PROXY_CONTRACT.md.
export const loader = ({ request }: LoaderFunctionArgs) => proxyInbox(request, proxyDeps());

export const action = ({ request }: ActionFunctionArgs) =>
  request.method === "POST" ? proxyInbox(request, proxyDeps()) : methodNotAllowed("GET, POST");
