import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { unsubscribeAction, unsubscribePage } from "~/campaigns/unsubscribe-page.server";
import { prisma } from "~/db.server";
import { BODY_LIMITS, boundedRequest } from "~/request-body.server";

// The one-click unsubscribe link of campaign emails (public; the token is signed).
export const loader = ({ request }: LoaderFunctionArgs) => unsubscribePage(request);

// The token is in the URL; the body (RFC 8058's "List-Unsubscribe=One-Click") is read only
// within the form cap, so an endless one is a 413 like every other public action's.
export const action = async ({ request }: ActionFunctionArgs) =>
  unsubscribeAction(prisma(), await boundedRequest(request, BODY_LIMITS.adminForm));
