import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { ensureDatabase, migrate } from "../../app/db/migrator.server";
import { freePort } from "../../scripts/private-redis";

// A private PostgreSQL cluster for the fault suite: initdb under /tmp, its own port, so a
// case can stop it mid-burst without touching the machine's shared server. initdb and
// postgres refuse to run as root; as root the cluster runs as the `postgres` user.

const BIN = process.env.FAULTS_PG_BIN ?? "/usr/lib/postgresql/15/bin";
const TEMPLATE = "faults_template";

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), "faults-pg-"));
    const cluster = new PrivatePostgres(dir, await freePort());
    mkdirSync(cluster.dataDir, { recursive: true });
    if (process.getuid?.() === 0) chownSync(dir, postgresUid(), postgresGid());
    if (process.getuid?.() === 0) chownSync(cluster.dataDir, postgresUid(), postgresGid());
    cluster.pg("initdb", ["-D", cluster.dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
    cluster.startServer();
    await ensureDatabase(cluster.url(TEMPLATE));
    await migrate(cluster.url(TEMPLATE));
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, "data");
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** A fresh database copied from the migrated template (a file copy: well under a second). */
  async createDatabase(name: string): Promise<string> {
    await this.admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE}"`);
    });
    return this.url(name);
  }

  async dropDatabase(name: string): Promise<void> {
    await this.admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }

  /** Stops the server at once (fast shutdown: open connections are terminated). */
  stopServer(): void {
    this.pg("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "stop"]);
  }

  startServer(): void {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c max_connections=200",
      // A scratch cluster: durability settings off, so the suite measures the app, not fsync.
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
    ].join(" ");
    this.pg("pg_ctl", [
      "-D",
      this.dataDir,
      "-l",
      join(this.dir, "postgres.log"),
      "-w",
      "-o",
      options,
      "start",
    ]);
  }

  async destroy(): Promise<void> {
    try {
      this.stopServer();
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.url("postgres") });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  private pg(program: string, args: string[]): void {
    const binary = join(BIN, program);
    const [command, argv] =
      process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
    execFileSync(command, argv, { stdio: ["ignore", "ignore", "pipe"], timeout: 60_000 });
  }
}

function postgresUid(): number {
  return Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
}

function postgresGid(): number {
  return Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
}
