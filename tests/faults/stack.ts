import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { spawnNode, stopChild } from "../../bench/support/services";
import { ensureBuild } from "../browser/support/app-server";
import { createSessionToken } from "../../emulator/admin-frame/session-token";
import { embeddedAppUrl } from "../../emulator/admin-frame/handler";
import type { Emulator } from "../../emulator/server";
import { freePort } from "../../scripts/private-redis";
import type { PrivatePostgres } from "./postgres";
import { RestartableRedis } from "./redis";

// One case's world: its own database in the private cluster, its own redis-server, the
// production server (server.js over `npm run build`) and a worker process (workers/main.ts),
// both pointed at the in-process Shopify emulator. Each case gets a fresh one, so a fault
// left unrepaired in one case cannot leak into the next.

export const API_KEY = "faults-api-key";
export const API_SECRET = "faults-api-secret";
const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

export type ProcessExit = {
  name: "server" | "worker";
  code: number | null;
  signal: string | null;
  at: number;
};

export class Stack {
  readonly exits: ProcessExit[] = [];
  server: ChildProcess | undefined;
  worker: ChildProcess | undefined;
  private expectedExits = new Set<ChildProcess>();

  private constructor(
    readonly name: string,
    readonly shop: string,
    readonly databaseUrl: string,
    readonly redis: RestartableRedis,
    readonly port: number,
    readonly logDir: string,
    private readonly cluster: PrivatePostgres,
    private readonly emulator: Emulator,
  ) {}

  static async create(
    name: string,
    cluster: PrivatePostgres,
    emulator: Emulator,
    logDir: string,
  ): Promise<Stack> {
    const shop = `faults-${name}.myshopify.com`;
    emulator.store.createShop({ domain: shop, currencyCode: "USD" });
    const databaseUrl = await cluster.createDatabase(`faults_${name.replace(/-/g, "_")}`);
    const redis = await RestartableRedis.start();
    return new Stack(name, shop, databaseUrl, redis, await freePort(), logDir, cluster, emulator);
  }

  get appUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get env(): Record<string, string> {
    return {
      // The emulator is refused in production mode; the build and server.js are production's.
      NODE_ENV: "test",
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      SHOPIFY_APP_URL: this.appUrl,
      SHOPIFY_API_ORIGIN: this.emulator.url,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redis.url,
      PORT: String(this.port),
      LOG_LEVEL: "info",
      WORKER_CONCURRENCY: "8",
    };
  }

  log(name: string): string {
    return join(this.logDir, `${this.name}-${name}.log`);
  }

  /** The production server as `npm start` runs it; resolves once /healthz answers. */
  async startServer(): Promise<void> {
    ensureBuild();
    const child = spawnNode(["server.js"], this.env, this.log("server"));
    this.watch("server", child);
    this.server = child;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`server.js exited with ${child.exitCode}; see ${this.log("server")}`);
      try {
        if ((await fetch(`${this.appUrl}/healthz`)).ok) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline)
        throw new Error(`server.js did not become healthy; see ${this.log("server")}`);
      await sleep(200);
    }
  }

  /** `npm run worker`'s process; resolves once it logs "Workers started". */
  async startWorker(): Promise<void> {
    const logFile = this.log("worker");
    const before = safeRead(logFile).length;
    const child = spawnNode(["--import", "tsx", "workers/main.ts"], this.env, logFile);
    this.watch("worker", child);
    this.worker = child;
    const deadline = Date.now() + 90_000;
    while (!safeRead(logFile).slice(before).includes("Workers started")) {
      if (child.exitCode !== null)
        throw new Error(`The worker exited with ${child.exitCode}; see ${logFile}`);
      if (Date.now() > deadline) throw new Error(`The worker did not start; see ${logFile}`);
      await sleep(100);
    }
  }

  /** Sends a signal the case means to send: the exit that follows is not a crash. */
  signal(name: "server" | "worker", signal: NodeJS.Signals): Promise<ProcessExit> {
    const child = name === "server" ? this.server : this.worker;
    if (!child) throw new Error(`no ${name} running`);
    this.expectedExits.add(child);
    const exited = new Promise<ProcessExit>((resolve) =>
      child.once("exit", (code, sig) => resolve({ name, code, signal: sig, at: Date.now() })),
    );
    child.kill(signal);
    return exited;
  }

  /** Exits nobody asked for (a crash) so far. */
  crashes(): ProcessExit[] {
    return this.exits;
  }

  /** First admin load: token exchange with the emulator, the offline session, the (empty) backfill. */
  async install(): Promise<void> {
    const token = createSessionToken(this.shop, API_KEY, API_SECRET).token;
    const response = await fetch(embeddedAppUrl(this.appUrl, this.shop, "/", token), {
      redirect: "manual",
      headers: { "User-Agent": BROWSER_UA },
    });
    await response.text();
    const db = await this.db();
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const { rows } = await db.query<{ status: string }>(
          `SELECT "status"::text AS status FROM "BackfillRun" WHERE "shop" = $1`,
          [this.shop],
        );
        if (rows[0]?.status === "completed") return;
        if (rows[0]?.status === "failed") throw new Error(`The install backfill failed for ${this.shop}`);
        if (Date.now() > deadline)
          throw new Error(
            `Installing on ${this.shop} did not finish (HTTP ${response.status}, backfill ${rows[0]?.status ?? "none"})`,
          );
        await sleep(250);
      }
    } finally {
      await db.end();
    }
  }

  async db(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on("error", () => undefined); // a case may stop PostgreSQL under it
    await client.connect();
    return client;
  }

  async stop(): Promise<void> {
    for (const child of [this.server, this.worker]) {
      if (child) {
        this.expectedExits.add(child);
        await stopChild(child);
      }
    }
    await this.redis.destroy();
  }

  async destroy(keepDatabase: boolean): Promise<void> {
    await this.stop();
    if (!keepDatabase) await this.cluster.dropDatabase(`faults_${this.name.replace(/-/g, "_")}`);
  }

  private watch(name: "server" | "worker", child: ChildProcess): void {
    child.once("exit", (code, signal) => {
      if (!this.expectedExits.has(child)) this.exits.push({ name, code, signal, at: Date.now() });
    });
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
