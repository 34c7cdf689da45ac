import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

// A private redis-server for one benchmark or browser test run: its own port, no
// persistence, so it neither sees nor disturbs anyone's data (tests use Redis logical
// databases 1–15 of the machine's server; local runs use 0).

export type PrivateRedis = { url: string; port: number; stop: () => Promise<void>; pid?: number };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Signals a child and waits for it to exit, killing it if it has not within 10 s. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}

/**
 * Starts redis-server on a free port (or the given one: a restart after stop(), empty) and
 * resolves once it answers PING.
 */
export async function startPrivateRedis(options: { port?: number } = {}): Promise<PrivateRedis> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}/0`;
  // A process that ends without stopping it (an error before its try/finally, process.exit)
  // takes its redis-server along rather than leaving it listening.
  const orphanGuard = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", orphanGuard);
  const stop = () => {
    process.removeListener("exit", orphanGuard);
    return stopChild(child);
  };
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined); // refused until the server listens
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch (error) {
        if (attempt >= 50 || child.exitCode !== null)
          throw new Error(`redis-server did not start: ${String(error)}`);
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.disconnect();
  }
  return { url, port, stop, pid: child.pid };
}
