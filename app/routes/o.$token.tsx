import type { LoaderFunctionArgs } from "@remix-run/node";
import { openPixel } from "~/campaigns/measure/track-routes.server";
import { prisma } from "~/db.server";

// The open pixel of measured campaign emails (public; always the GIF).
export const loader = ({ request, params }: LoaderFunctionArgs) => openPixel(prisma(), request, params.token);
