import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// The real logger, in a child process at level info (tests run silent), writing JSON lines.
function linesOf(script: string): Array<Record<string, unknown>> {
  const settings = `Object.assign(process.env, { NODE_ENV: "production", LOG_LEVEL: "info" });`;
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", `${settings}\n${script}`],
    { encoding: "utf8" },
  );
  expect(child.stderr).toBe("");
  return child.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("logger", () => {
  it("puts the context's fields on every line, and a line's own fields on that line only", () => {
    const lines = linesOf(`
      const { logger, withLogContext } = await import("./app/logger.server.ts");
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
