// Child processes for `npm run local` and `npm run demo`: one-shot steps that must succeed,
// long-running services whose output is prefixed with their name, and one clean stop for
// all of them (Ctrl-C, SIGTERM, or any service exiting on its own). Long-running children
// are plain `node --import tsx ...` processes (no tsx CLI in between), so a signal reaches
// the process that has to shut down.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

const node = process.execPath;

/** Creates .env from .env.example on a fresh checkout, then loads it into process.env. */
export function loadLocalEnv(): void {
  if (!existsSync(".env")) {
    copyFileSync(".env.example", ".env");
    console.log("Created .env from .env.example (local settings for the emulator).");
  }
  process.loadEnvFile(".env");
}

/** Runs a Node program to completion with inherited output; rejects on a non-zero exit. */
export function runStep(name: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { stdio: "inherit", env: process.env });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed (${code})`))));
  });
}

/** Generates the Prisma client and applies migrations. */
export async function prepareDatabase(): Promise<void> {
  await runStep("Prisma client", ["scripts/prisma-generate.mjs"]);
  await runStep("Migrations", ["--import", "tsx", "scripts/migrate.ts"]);
}

export const SERVICE_ARGS = {
  emulator: ["--import", "tsx", "emulator/main.ts"],
  worker: ["--import", "tsx", "workers/main.ts"],
  web: (port: number) => [
    "node_modules/@remix-run/dev/dist/cli.js",
    "vite:dev",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
  ],
};

export class Supervisor {
  private readonly children: ChildProcess[] = [];
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  private stopping = false;

  constructor(private readonly what = "everything") {
    // Ctrl-C signals the whole process group: the children got SIGINT too and are shutting
    // down their own way, so they get time before a SIGTERM (a second signal hurries them).
    process.on("SIGINT", () => void this.stop(0, { childrenSignalled: true }));
    process.on("SIGTERM", () => void this.stop(0));
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Work to finish before the children are stopped (in-process servers, simulations). */
  onStop(cleanup: () => Promise<unknown>): void {
    this.cleanups.push(cleanup);
  }

  start(name: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
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
      // Ctrl-C reaches the whole process group: let our own SIGINT handler go first.
      setTimeout(() => {
        if (this.stopping) return;
        console.error(`${prefix}exited (${signal ?? code}); stopping ${this.what}.`);
        void this.stop(1);
      }, 200);
    });
    this.children.push(child);
    return child;
  }

  async stop(code = 0, options: { childrenSignalled?: boolean } = {}): Promise<never> {
    if (this.stopping) return new Promise<never>(() => {});
    this.stopping = true;
    console.log(`\nStopping ${this.what} ...`);
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error("clean-up failed:", error);
      }
    }
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            const term = () => child.kill("SIGTERM");
            if (options.childrenSignalled) setTimeout(term, 10_000).unref();
            else term();
            setTimeout(() => child.kill("SIGKILL"), 20_000).unref();
          }),
      ),
    );
    process.exit(code);
  }
}
