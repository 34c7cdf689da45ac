import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// The real logger, in a child process at level info (tests run silent), writing JSON lines.
function linesOf(script: string): Array<Record<string, unknown>> {
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "info" },
    encoding: "utf8",
  });
  expect(child.stderr).toBe("");
  return child.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("logger", () => {
  it("puts the context's fields on every line, and a line's own fields on that line only", () => {
    const lines = linesOf(`
      import { logger, withLogContext } from "./app/logger.server.ts";
      withLogContext({ requestId: "r-12345678" }, () => {
        logger().info({ shop: "a.myshopify.com" }, "first");
        logger().info("second");
      });
      logger().info("outside");
    `);
    expect(lines.map(({ msg, requestId, shop }) => ({ msg, requestId, shop }))).toEqual([
      { msg: "first", requestId: "r-12345678", shop: "a.myshopify.com" },
      { msg: "second", requestId: "r-12345678", shop: undefined },
      { msg: "outside", requestId: undefined, shop: undefined },
    ]);
  });
});
