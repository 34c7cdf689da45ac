import { spawnSync } from "node:child_process";
import { createConnection } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// A benchmark or test that crashes before it stops its private redis-server (an import that
// throws, process.exit) must not leave the server listening: it goes with the process.

const module = fileURLToPath(new URL("./private-redis.ts", import.meta.url));

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => resolve(socket.destroy() === socket));
    socket.once("error", () => resolve(false));
  });
}

describe("startPrivateRedis", () => {
  it("takes its redis-server along when the process ends without stopping it", async () => {
    const code = `const { startPrivateRedis } = await import(${JSON.stringify(module)});
      const redis = await startPrivateRedis();
      console.log("port=" + redis.port);
      throw new Error("crashed before stop()");`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("crashed before stop()");
    const port = Number(/port=(\d+)/.exec(run.stdout)?.[1]);
    expect(port).toBeGreaterThan(0);
    // The kill is sent as the process exits; the server closes its socket a moment later.
    let open = true;
    for (let i = 0; i < 50 && open; i++) {
      open = await listening(port);
      if (open) await new Promise((r) => setTimeout(r, 100));
    }
    expect(open).toBe(false);
  });
});
