import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { isRedisUnreachable } from "./redis.server";

describe("isRedisUnreachable", () => {
  it("recognises a refused connection, and nothing that Redis itself answered", async () => {
    const refused = await new Promise<Error>((resolve) => connect(1, "127.0.0.1").once("error", resolve));
    expect(isRedisUnreachable(refused)).toBe(true);
    expect(isRedisUnreachable(new Error("Missing key for job 1. moveToFinished"))).toBe(false);
    expect(isRedisUnreachable(Object.assign(new Error("OOM"), { code: "OOM" }))).toBe(false);
    expect(isRedisUnreachable(null)).toBe(false);
  });
});
