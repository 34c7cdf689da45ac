import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiError, recommendationsResponse } from "~/api/recommendations.server";
import { prisma } from "~/db.server";
import { redis } from "~/redis.server";

// GET /api/v1/recommendations/{customerId} with Authorization: Bearer <API key> (app/api/README.md).
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  recommendationsResponse(request, params.customerId, { db: prisma(), redis: redis() });

export const action = (_args: ActionFunctionArgs) =>
  apiError(405, "method_not_allowed", "Use GET.", { Allow: "GET" });
