import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";

// The library's auth paths (/auth/session-token bounce page, /auth/exit-iframe, and the
// OAuth callback for non-embedded installs) all answer from authenticate.admin.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  return null;
};
