import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

// Issue 11 #2: PostgreSQL restarting under the worker crashed it ("Emitted 'error' event on
// Client instance"), because a client checked out of a node-postgres pool had no 'error'
// listener. The crash is an uncaught exception, so it is reproduced in a child process:
// check a client out, have the server end its backend while it is checked out, then use
// the pool again. The process must survive and the pool must hand out a working client.
const script = `
import { sharedPgPool } from "./app/db/pg-pools.server.ts";
const pool = sharedPgPool("crash-test", process.env.DATABASE_URL);
const admin = sharedPgPool("crash-test-admin", process.env.DATABASE_URL);
const client = await pool.connect();
const { rows: [{ pid }] } = await client.query("SELECT pg_backend_pid() AS pid");
const ended = new Promise((resolve) => client.once("end", resolve));
await admin.query("SELECT pg_terminate_backend($1)", [pid]);
await ended;
await new Promise((resolve) => setTimeout(resolve, 100));
const failed = await client.query("SELECT 1").then(() => "answered", (e) => e.message);
client.release(true);
const { rows: [{ ok }] } = await pool.query("SELECT 1 AS ok");
console.log(JSON.stringify({ failed, ok }));
await pool.end();
await admin.end();
`;

describe("sharedPgPool", () => {
  it("survives the server ending a checked-out client's connection", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));

    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(stdout)).toEqual({ failed: expect.stringMatching(/not queryable|terminat/i), ok: 1 });
  });
});
