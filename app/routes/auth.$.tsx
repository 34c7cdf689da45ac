import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { adaptLibraryResponse } from "../shopify/emulator-frame.server";

// The library's auth paths (/auth/session-token bounce page, /auth/exit-iframe, and the
// OAuth callback for non-embedded installs) all answer from authenticate.admin, by
// throwing the page or redirect as a Response.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  try {
    await authenticate.admin(request);
  } catch (thrown) {
    throw thrown instanceof Response ? await adaptLibraryResponse(thrown) : thrown;
  }
  return null;
};
