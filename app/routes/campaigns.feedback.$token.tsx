import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveFeedback } from "~/campaigns/feedback.server";
import { prisma } from "~/db.server";

// Bounces and complaints from any provider, as JSON, at the shop's secret URL (app/campaigns/feedback.server.ts).
export const action = ({ request, params }: ActionFunctionArgs) =>
  receiveFeedback(prisma(), request, params.token ?? "");
