import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// The real logger, in a child process at level info (tests run silent), writing JSON lines.
// The child reads no .env: in production mode a developer's (the demo writes one, pointing at
// the emulator, which production refuses) would stop it.
const PRODUCTION = `process.loadEnvFile = () => {};
  Object.assign(process.env, { NODE_ENV: "production", LOG_LEVEL: "info" });`;
function linesOf(script: string): Array<Record<string, unknown>> {
  const settings = PRODUCTION;
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

describe("logger scrubbing", () => {
  it("keeps session tokens, access tokens, signed parameters and the app secret out of every line", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly9hLm15c2hvcGlmeS5jb20ifQ.c2lnbmF0dXJl";
    const secret = "app-secret-for-scrub-test-1234";
    const lines = linesOf(`
      process.env.SHOPIFY_API_SECRET = ${JSON.stringify(secret)};
      const { logger } = await import("./app/logger.server.ts");
      const url = "/app/nope?embedded=1&id_token=${jwt}&shop=a.myshopify.com&hmac=abc123";
      logger().error({ err: new Error("No route matches URL " + url), path: "/app/nope" }, "request failed");
      logger().warn({ detail: { header: "Bearer ${jwt}", token: "shpat_0123456789abcdef" } }, "nested");
      logger().info("the secret is ${secret} and the token %s", "shpua_abcdef0123");
    `);
    const text = JSON.stringify(lines);
    for (const leak of [jwt, secret, "shpat_0123456789abcdef", "shpua_abcdef0123", "abc123"])
      expect(text).not.toContain(leak);
    const [error, nested, info] = lines;
    expect((error!.err as { message: string }).message).toBe(
      "No route matches URL /app/nope?embedded=1&id_token=[redacted]&shop=a.myshopify.com&hmac=[redacted]",
    );
    expect((error!.err as { stack: string }).stack).toContain("id_token=[redacted]");
    expect(nested!.detail).toEqual({ header: "Bearer [session token]", token: "[access token]" });
    expect(info!.msg).toBe("the secret is [app secret] and the token [access token]");
  });
});

describe("campaign provider secrets", () => {
  it("keeps Klaviyo keys, Twilio tokens and basic-auth headers out of every line", () => {
    const basic = Buffer.from("AC0123456789abcdef0123456789abcdef:twilio-token-9876").toString("base64");
    const lines = linesOf(`
      const { logger } = await import("./app/logger.server.ts");
      logger().warn({ request: { headers: { Authorization: "Basic ${basic}" } } }, "twilio");
      logger().warn({ twilio: { authToken: "twilio-token-9876" }, klaviyo: { apiKey: "pk_abcdefghijklmnopqrstuv" } }, "settings");
      logger().error("Klaviyo answered 401 for Klaviyo-API-Key pk_abcdefghijklmnopqrstuv");
    `);
    const text = JSON.stringify(lines);
    for (const leak of [basic, "twilio-token-9876", "pk_abcdefghijklmnopqrstuv"])
      expect(text).not.toContain(leak);
    expect(lines[2]!.msg).toBe("Klaviyo answered 401 for Klaviyo-API-Key [api key]");
  });
});

describe("scrubConsole", () => {
  it("scrubs what libraries write to the console themselves", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2ln";
    const child = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `${PRODUCTION}
         const { scrubConsole } = await import("./app/logger.server.ts");
         scrubConsole();
         scrubConsole(); // twice is once
         console.warn('No routes matched location "%s"', "/app/x?embedded=1&id_token=${jwt}");`,
      ],
      { encoding: "utf8" },
    );
    expect(child.stderr.trim()).toBe('No routes matched location "/app/x?embedded=1&id_token=[redacted]"');
  });
});
