import type { LoaderFunctionArgs } from "@remix-run/node";
import { clickRedirect } from "~/campaigns/measure/track-routes.server";
import { prisma } from "~/db.server";

// The click redirect of campaign emails (public; only to the URL the token signed).
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  clickRedirect(prisma(), request, params.token);
