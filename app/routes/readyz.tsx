import type { LoaderFunctionArgs } from "@remix-run/node";
import { checkReadiness } from "~/health/readiness.server";

// Readiness for load balancers, orchestrators and uptime checks: 200 when the database and
// Redis answer, a worker is alive and the schedules are registered; 503 with the reasons
// otherwise (docs/runbook.md says what to do about each).
export const loader = async (_args: LoaderFunctionArgs) => {
  const readiness = await checkReadiness();
  return Response.json(readiness, {
    status: readiness.ready ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
};
