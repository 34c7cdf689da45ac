import type { LoaderFunctionArgs } from "@remix-run/node";
import { recommendationsResponse } from "~/api/recommendations.server";
import { prisma } from "~/db.server";
import { redis } from "~/redis.server";

// GET /api/v1/recommendations/{customerId} with Authorization: Bearer <API key> (app/api/README.md).
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  recommendationsResponse(request, params.customerId, { db: prisma(), redis: redis() });
