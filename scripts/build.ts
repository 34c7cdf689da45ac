// The production build (build/), made only when it is missing or older than its sources:
// the demo serves it with server.js, and the browser tests with remix-serve.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = process.cwd();
const SERVER_BUILD = join(ROOT, "build/server/index.js");
const SOURCES = ["app", "vite.config.ts", "package.json"];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestMtime(join(path, name))),
    stat.mtimeMs,
  );
}

export function buildIsCurrent(): boolean {
  const built = existsSync(SERVER_BUILD) ? statSync(SERVER_BUILD).mtimeMs : 0;
  return built > Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p))));
}

/** Builds the app unless build/ is current; returns whether it built. */
export function ensureBuild(): boolean {
  if (buildIsCurrent()) return false;
  execFileSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "vite:build"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 180_000,
  });
  return true;
}
