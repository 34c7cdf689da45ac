import { flatRoutes } from "@remix-run/fs-routes";
import type { RouteConfig } from "@remix-run/route-config";

// Flat file routes named after their URL (v3_routeConfig). Tests sit beside routes and
// are not routes.
export default flatRoutes({
  ignoredRouteFiles: ["**/.*", "**/*.test.ts", "**/*.test.tsx"],
}) satisfies RouteConfig;
