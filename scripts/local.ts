// npm run local — the app, the worker and the Shopify emulator together on this machine,
// with no Shopify account: checks services, migrates, starts all three and prints the
// address of the emulator's admin frame. Ctrl-C stops everything.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { ensureServices } from "./services";

if (!existsSync(".env")) {
  copyFileSync(".env.example", ".env");
  console.log("Created .env from .env.example (local settings for the emulator).");
}
process.loadEnvFile(".env");
const { env } = await import("../app/env.server");
const settings = env();
if (!settings.SHOPIFY_API_ORIGIN) {
  throw new Error(
    "npm run local drives the Shopify emulator: set SHOPIFY_API_ORIGIN in .env (see .env.example).",
  );
}

const node = process.execPath;
const children: ChildProcess[] = [];

function start(name: string, args: string[], extraEnv: Record<string, string> = {}) {
  const child = spawn(node, args, {
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `[${name}]`.padEnd(10);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n"))
        if (line.trim()) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping everything.`);
      void stop(1);
    }
  });
  children.push(child);
}

function run(name: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { stdio: "inherit", env: process.env });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed (${code})`))));
  });
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping app, worker and emulator ...");
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
        }),
    ),
  );
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

await ensureServices();
await run("Prisma client", ["scripts/prisma-generate.mjs"]);
await run("Migrations", ["node_modules/tsx/dist/cli.mjs", "scripts/migrate.ts"]);

const emulatorPort = new URL(settings.SHOPIFY_API_ORIGIN).port || "4100";
start("emulator", ["--import", "tsx", "emulator/main.ts"], { EMULATOR_PORT: emulatorPort });
start("worker", ["--import", "tsx", "workers/main.ts"]);
start("web", [
  "node_modules/@remix-run/dev/dist/cli.js",
  "vite:dev",
  "--host",
  "127.0.0.1",
  "--port",
  String(settings.PORT),
]);

console.log(`
  Loyalty Optimizer is starting.
  Open the Shopify admin (emulated):  ${settings.SHOPIFY_API_ORIGIN}/admin-frame
  App health:                         ${settings.SHOPIFY_APP_URL}/healthz
  Ctrl-C stops everything.
`);
