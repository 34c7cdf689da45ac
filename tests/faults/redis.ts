import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort, stopChild } from "../../scripts/private-redis";

// A private redis-server that keeps its port across restarts, so the app's connections
// find it again: killed (its data gone, as a crash or failover without persistence), or
// shut down with a snapshot and started again from it (an outage that loses nothing).

export class RestartableRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RestartableRedis> {
    const redis = new RestartableRedis(await freePort(), mkdtempSync(join(tmpdir(), "faults-redis-")));
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the server (from the snapshot in its directory, if one was saved) and waits for PING. */
  async up(): Promise<void> {
    this.child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--dbfilename",
        "dump.rdb",
        "--save",
        "",
        "--appendonly",
        "no",
        "--maxmemory-policy",
        "noeviction",
      ],
      { stdio: "ignore" },
    );
    const probe = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => undefined);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch (error) {
          if (attempt >= 100 || !this.running)
            throw new Error(`redis-server did not start: ${String(error)}`);
          probe.disconnect();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL: every job, lock and schedule in it is gone; the next up() starts empty. */
  async kill(): Promise<void> {
    rmSync(join(this.dir, "dump.rdb"), { force: true });
    if (this.child) await stopChild(this.child, "SIGKILL");
  }

  /** SHUTDOWN SAVE: the data is written to disk and the next up() loads it. */
  async shutdownSaving(): Promise<void> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => undefined);
    const exited = new Promise<void>((resolve) => this.child?.once("exit", () => resolve()));
    await client.call("SHUTDOWN", "SAVE").catch(() => undefined); // the connection drops as it exits
    client.disconnect();
    await exited;
  }

  async destroy(): Promise<void> {
    if (this.child) await stopChild(this.child, "SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}
