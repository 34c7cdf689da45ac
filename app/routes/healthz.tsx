import type { LoaderFunctionArgs } from "@remix-run/node";
import { checkServices } from "~/health/service-health.server";

// Liveness: 200 whenever this process answers, so a restart policy never restarts a
// healthy web process because PostgreSQL or Redis is away (that would not bring them
// back). The body still says whether both answer and how fast; /readyz is the check that
// fails when the deployment cannot do its work. Public, so it says nothing beyond ok and latency.
export const loader = async (_args: LoaderFunctionArgs) => {
  const health = await checkServices();
  return Response.json(health, { headers: { "Cache-Control": "no-store" } });
};
