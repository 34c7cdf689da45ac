// Child processes for `npm run local` and `npm run demo`: one-shot steps that must succeed,
// long-running services whose output is prefixed with their name, a restart with backoff
// for services that may crash and come back (the worker), and one clean stop for all of
// them (Ctrl-C, SIGTERM, or any other service exiting on its own). Long-running children
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
  /** The production build (scripts/build.ts) behind the production server, as the demo runs it. */
  webBuilt: ["server.js"],
  web: (port: number) => [
    "node_modules/@remix-run/dev/dist/cli.js",
    "vite:dev",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
  ],
};

/** Restarts after a crash wait 1 s, 2 s, 4 s … up to 30 s; a minute of running resets the wait. */
export type Backoff = { initialMs: number; maxMs: number; resetAfterMs: number };
const BACKOFF: Backoff = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

export type SupervisorOptions = {
  /** Where the supervisor's and the children's lines go (default stdout). */
  print?: (line: string) => void;
  /** Ends this process once everything has stopped (default process.exit; tests replace it). */
  exit?: (code: number) => void;
  /** Stop on Ctrl-C and SIGTERM (default true; tests leave the signals alone). */
  handleSignals?: boolean;
  backoff?: Backoff;
};

/** How a service is run: `restart` brings it back after a crash instead of stopping everything. */
export type ServicePolicy = { restart?: boolean };

export class Supervisor {
  private readonly services = new Map<string, ChildProcess>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  private readonly print: (line: string) => void;
  private readonly exit: (code: number) => void;
  private readonly backoff: Backoff;
  private stopping = false;

  constructor(
    private readonly what = "everything",
    options: SupervisorOptions = {},
  ) {
    this.print = options.print ?? ((line) => process.stdout.write(`${line}\n`));
    this.exit = options.exit ?? ((code) => process.exit(code));
    this.backoff = options.backoff ?? BACKOFF;
    if (options.handleSignals ?? true) {
      // Ctrl-C signals the whole process group: the children got SIGINT too and are shutting
      // down their own way, so they get time before a SIGTERM (a second signal hurries them).
      process.on("SIGINT", () => void this.stop(0, { childrenSignalled: true }));
      process.on("SIGTERM", () => void this.stop(0));
    }
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Work to finish before the children are stopped (in-process servers, simulations). */
  onStop(cleanup: () => Promise<unknown>): void {
    this.cleanups.push(cleanup);
  }

  /**
   * Runs a long-lived service. When it exits on its own, a service with `restart` is started
   * again after a growing pause (a line says so); any other stops everything.
   */
  start(
    name: string,
    args: string[],
    extraEnv: Record<string, string> = {},
    policy: ServicePolicy = {},
  ): ChildProcess {
    return this.run(name, args, extraEnv, policy, 0);
  }

  private run(
    name: string,
    args: string[],
    extraEnv: Record<string, string>,
    policy: ServicePolicy,
    crashes: number,
  ): ChildProcess {
    const child = spawn(node, args, {
      env: { ...process.env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const startedAt = Date.now();
    const prefix = `[${name}]`.padEnd(10);
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        for (const line of chunk.toString().split("\n")) if (line.trim()) this.print(`${prefix}${line}`);
      });
    }
    child.on("exit", (code, signal) => {
      // Ctrl-C reaches the whole process group: let our own SIGINT handler go first.
      setTimeout(() => {
        if (this.stopping) return;
        const how = `exited (${signal ?? code})`;
        if (!policy.restart) {
          this.print(`${prefix}${how}; stopping ${this.what}.`);
          void this.stop(1);
          return;
        }
        const stable = Date.now() - startedAt >= this.backoff.resetAfterMs;
        const attempt = stable ? 0 : crashes;
        const delay = Math.min(this.backoff.initialMs * 2 ** attempt, this.backoff.maxMs);
        this.print(`${prefix}${how}; restarting in ${formatDelay(delay)} (restart ${attempt + 1}).`);
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          if (!this.stopping) this.run(name, args, extraEnv, policy, attempt + 1);
        }, delay);
        this.retryTimers.add(timer);
      }, 200);
    });
    this.services.set(name, child);
    return child;
  }

  async stop(code = 0, options: { childrenSignalled?: boolean } = {}): Promise<void> {
    if (this.stopping) return new Promise<void>(() => {});
    this.stopping = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.print(`\nStopping ${this.what} ...`);
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error("clean-up failed:", error);
      }
    }
    await Promise.all(
      [...this.services.values()].map(
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
    this.exit(code);
  }
}

function formatDelay(ms: number): string {
  return ms >= 1_000 ? `${ms / 1_000} s` : `${ms} ms`;
}
