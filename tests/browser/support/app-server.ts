import { spawn, type ChildProcess } from "node:child_process";
export { freePort } from "../../../scripts/private-redis";
export { ensureBuild } from "../../../scripts/build";

// Serves the production build (scripts/build.ts makes it when stale) with server.js in a
// child process, as production and the demo do (but in test mode, because the app refuses
// the Shopify emulator in production).

const ROOT = process.cwd();

export type AppServer = { url: string; output: () => string; stop: () => Promise<void> };

export async function startAppServer(port: number, env: Record<string, string>): Promise<AppServer> {
  const child: ChildProcess = spawn(process.execPath, ["server.js"], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const server: AppServer = {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
  await waitForHealthy(url, child, () => output).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  return server;
}

async function waitForHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server.js exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The app did not become healthy within 60 s:\n${output()}`);
}
