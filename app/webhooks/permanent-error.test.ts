import { describe, expect, it } from "vitest";
import { isPermanentDataError, sqlState } from "./permanent-error";

describe("isPermanentDataError", () => {
  it("reads node-postgres's code and Prisma's nested driver-adapter code", () => {
    expect(sqlState(Object.assign(new Error("out of range"), { code: "22003" }))).toBe("22003");
    const prisma = Object.assign(new Error("Raw query failed"), {
      code: "P2010",
      meta: { driverAdapterError: { cause: { originalCode: "22021", kind: "postgres" } } },
    });
    expect(sqlState(prisma)).toBe("22021");
  });

  it.each([
    ["22003", true],
    ["22P05", true],
    ["54001", true],
    ["40001", false],
    ["57P01", false],
    ["08006", false],
    ["23505", false],
  ])("SQLSTATE %s permanent: %s", (code, permanent) => {
    expect(isPermanentDataError({ code })).toBe(permanent);
  });

  it("treats errors without a SQLSTATE (a dropped connection, a timeout) as transient", () => {
    expect(isPermanentDataError(new Error("Connection terminated unexpectedly"))).toBe(false);
    expect(isPermanentDataError({ code: "ECONNREFUSED" })).toBe(false);
    expect(isPermanentDataError(null)).toBe(false);
  });
});
