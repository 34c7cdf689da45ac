import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RouteConfigEntry } from "@remix-run/route-config";

// The app's routes exactly as Remix builds its manifest: the root route plus what
// app/routes.ts returns (flat file routes), read with the same app directory Remix's Vite
// plugin sets before it runs routes.ts. A route added as a file appears here with no
// change to the security suite, which then refuses to pass until it is classified.

const APP_DIRECTORY = resolve("app");

export type AppRoute = {
  /** The manifest id, e.g. "routes/app.members.$customerId". */
  id: string;
  /** The URL pattern with Remix's segments, e.g. "/app/members/:customerId". */
  pattern: string;
  file: string;
  loader?: (args: RouteArgs) => unknown;
  action?: (args: RouteArgs) => unknown;
};

export type RouteArgs = { request: Request; params: Record<string, string>; context: object };

type RouteModule = { loader?: AppRoute["loader"]; action?: AppRoute["action"] };

async function routeConfig(): Promise<RouteConfigEntry[]> {
  // What @remix-run/dev's setRouteConfigAppDirectory does before it evaluates routes.ts.
  (globalThis as { __remixAppDirectory?: string }).__remixAppDirectory = APP_DIRECTORY;
  const { default: config } = await import("../../app/routes");
  return await config;
}

function flatten(
  entries: RouteConfigEntry[],
  parentPath: string,
): Array<Omit<AppRoute, "loader" | "action">> {
  return entries.flatMap((entry) => {
    const path = entry.path ? `${parentPath.replace(/\/$/, "")}/${entry.path}` : parentPath;
    const id = entry.id ?? entry.file.replace(/\.[jt]sx?$/, "");
    return [{ id, pattern: path || "/", file: entry.file }, ...flatten(entry.children ?? [], path)];
  });
}

function rootFile(): string {
  const file = ["root.tsx", "root.ts", "root.jsx", "root.js"].find((name) =>
    existsSync(join(APP_DIRECTORY, name)),
  );
  if (!file) throw new Error("app/root.* is missing");
  return file;
}

/** Every route of the app with its loader and action, root first. */
export async function appRoutes(): Promise<AppRoute[]> {
  const routes = [{ id: "root", pattern: "/", file: rootFile() }, ...flatten(await routeConfig(), "")];
  return Promise.all(
    routes.map(async (route) => {
      const module = (await import(/* @vite-ignore */ join(APP_DIRECTORY, route.file))) as RouteModule;
      return {
        ...route,
        ...(module.loader ? { loader: module.loader } : {}),
        ...(module.action ? { action: module.action } : {}),
      };
    }),
  );
}
