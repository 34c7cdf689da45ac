import { ensureBuild } from "../../tests/browser/support/app-server";
import { spawnNode, stopChild } from "./services";

// The production server exactly as `npm run build && npm start` runs it (server.js: the
// Remix build behind Express, with the direct webhook path), in its own process.

export type RunningApp = { url: string; pid: number; stop: () => Promise<void> };

export async function startApp(
  env: Record<string, string>,
  logFile: string,
  nodeArgs: string[] = [],
): Promise<RunningApp> {
  ensureBuild();
  const child = spawnNode([...nodeArgs, "server.js"], env, logFile);
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`The app did not become healthy within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, pid: child.pid!, stop: () => stopChild(child) };
}
