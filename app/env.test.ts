import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/loyalty",
  REDIS_URL: "redis://127.0.0.1:6379",
};

describe("parseEnv", () => {
  it("accepts a complete environment and applies defaults", () => {
    const env = parseEnv(valid);
    expect(env.NODE_ENV).toBe("development");
    expect(env.PORT).toBe(3000);
    expect(env.WEBHOOK_RETENTION_DAYS).toBe(14);
    expect(env.SCOPES).toContain("read_orders");
    expect(env.SHOPIFY_API_ORIGIN).toBeUndefined();
    expect(env.DATABASE_POOL_MAX).toBe(10);
    expect(env.WEB_REUSE_PORT).toBe("0");
    expect(env.WORKER_NICE).toBe(0);
    expect(parseEnv({ ...valid, WORKER_NICE: "10" }).WORKER_NICE).toBe(10);
  });

  it.each([
    ["SHOPIFY_API_SECRET", undefined, /SHOPIFY_API_SECRET is missing/],
    ["DATABASE_URL", "mysql://x", /DATABASE_URL is invalid: must be a postgresql:\/\//],
    ["SHOPIFY_APP_URL", "not a url", /SHOPIFY_APP_URL is invalid/],
    ["PORT", "-1", /PORT is invalid/],
    ["WEBHOOK_RETENTION_DAYS", "1", /WEBHOOK_RETENTION_DAYS is invalid: must be at least 3 days/],
    ["DATABASE_POOL_MAX", "1", /DATABASE_POOL_MAX is invalid/],
    ["WEB_REUSE_PORT", "yes", /WEB_REUSE_PORT is invalid: must be 0 or 1/],
    ["WORKER_NICE", "20", /WORKER_NICE is invalid/],
    ["WORKER_NICE", "-5", /WORKER_NICE is invalid/],
  ])("names %s when it is wrong", (name, value, message) => {
    expect(() => parseEnv({ ...valid, [name]: value })).toThrow(message);
    expect(() => parseEnv({ ...valid, [name]: value })).toThrow(EnvError);
  });

  it("lists every problem at once and points to .env.example", () => {
    expect(() => parseEnv({})).toThrow(
      /\.env\.example[\s\S]*SHOPIFY_API_KEY[\s\S]*DATABASE_URL[\s\S]*REDIS_URL/,
    );
  });

  it("refuses the Shopify emulator in production", () => {
    expect(() =>
      parseEnv({ ...valid, NODE_ENV: "production", SHOPIFY_API_ORIGIN: "http://127.0.0.1:4100" }),
    ).toThrow(/SHOPIFY_API_ORIGIN .*refused in production/);
    expect(
      parseEnv({ ...valid, NODE_ENV: "development", SHOPIFY_API_ORIGIN: "http://127.0.0.1:4100" })
        .SHOPIFY_API_ORIGIN,
    ).toBe("http://127.0.0.1:4100");
  });

  it("never echoes a secret's value in its message", () => {
    try {
      parseEnv({ ...valid, DATABASE_URL: "mysql://user:hunter2@db" });
    } catch (error) {
      expect(String(error)).not.toContain("hunter2");
    }
  });
});
