// Makes sure PostgreSQL and Redis answer on their usual local ports: starts them when
// they are installed but stopped, and says how to install them when they are absent.
import { execSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import net from "node:net";

function reachable(port: number, host = "127.0.0.1", timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function waitFor(port: number, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function has(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
}

async function ensurePostgres(): Promise<void> {
  if (await reachable(5432)) return;
  if (has("pg_ctlcluster") && existsSync("/etc/postgresql")) {
    const version = readdirSync("/etc/postgresql")[0];
    console.log(`Starting PostgreSQL ${version} ...`);
    execSync(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`, { stdio: "inherit" });
    if (await waitFor(5432, 30)) return;
  }
  throw new Error(
    "PostgreSQL is not running on 127.0.0.1:5432 and could not be started.\n" +
      "Install it with `apt-get update && apt-get install -y postgresql` (trust auth for local connections), " +
      "or set DATABASE_URL to a server you have.",
  );
}

async function ensureRedis(): Promise<void> {
  if (await reachable(6379)) return;
  if (has("redis-server")) {
    console.log("Starting Redis ...");
    execSync(
      `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --maxmemory-policy noeviction`,
      { stdio: "inherit" },
    );
    if (await waitFor(6379, 15)) return;
  }
  throw new Error(
    "Redis is not running on 127.0.0.1:6379 and could not be started.\n" +
      "Install it with `apt-get update && apt-get install -y redis-server`, or set REDIS_URL to a server you have.",
  );
}

export async function ensureServices(): Promise<void> {
  await ensurePostgres();
  await ensureRedis();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await ensureServices();
  console.log("PostgreSQL and Redis are up.");
}
