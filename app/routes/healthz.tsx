import type { LoaderFunctionArgs } from "@remix-run/node";
import { checkServices } from "../dashboard/service-health.server";

// Liveness and readiness for load balancers and uptime checks: 200 when PostgreSQL and
// Redis both answer, 503 otherwise. Public, so it says nothing beyond ok and latency.
export const loader = async (_args: LoaderFunctionArgs) => {
  const health = await checkServices();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
};
