import type { LoaderFunctionArgs } from "@remix-run/node";
import { ShopifyError } from "@shopify/shopify-api";
import { authenticate } from "../shopify.server";
import { adaptLibraryResponse } from "../shopify/emulator-frame.server";

// The library's auth paths (/auth/session-token bounce page, /auth/exit-iframe, and the
// OAuth callback for non-embedded installs) all answer from authenticate.admin, by
// throwing the page or redirect as a Response.
const LIBRARY_PAGES = ["/auth/exit-iframe", "/auth/session-token"];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  try {
    await authenticate.admin(request);
  } catch (thrown) {
    if (thrown instanceof Response) throw await adaptLibraryResponse(thrown);
    // Those pages refuse a destination outside the app by throwing an error: the request's
    // fault, so a 400 rather than a 500 and an error log line per attempt.
    if (thrown instanceof ShopifyError && LIBRARY_PAGES.includes(new URL(request.url).pathname)) {
      throw new Response(thrown.message, { status: 400 });
    }
    throw thrown;
  }
  return null;
};
