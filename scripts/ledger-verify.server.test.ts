import { spawn } from "node:child_process";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { appendEntries, lockMember, type NewLedgerEntry } from "~/loyalty/services/ledger.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { verifyLedger } from "./ledger-verify";

const db = prisma();
const SHOP = "verify-test.myshopify.com";
const OTHER = "verify-other.myshopify.com";

const entry = (shop: string, key: string, extra: Partial<NewLedgerEntry>): NewLedgerEntry => ({
  key: `${shop}:${key}`,
  kind: "earn",
  points: 100,
  bucket: "available",
  occurredAt: new Date("2025-01-01Z"),
  programVersion: 1,
  ...extra,
});

async function seed(shop: string, customerId: bigint) {
  await db.member.create({ data: { shop, customerId } });
  await db.$transaction(async (tx) => {
    const member = await lockMember(tx, shop, customerId);
    await appendEntries(tx, member!, [
      entry(shop, `c${customerId}:a`, {}),
      entry(shop, `c${customerId}:b`, {
        points: 40,
        bucket: "pending",
        availableAt: new Date("2025-02-01Z"),
      }),
      entry(shop, `c${customerId}:b:release`, {
        kind: "release",
        points: 40,
        lotKey: `${shop}:c${customerId}:b`,
        occurredAt: new Date("2025-02-01Z"),
      }),
      entry(shop, `c${customerId}:r`, { kind: "redeem", points: -60, occurredAt: new Date("2025-02-02Z") }),
      entry(shop, `c${customerId}:x`, { kind: "expiry", points: -10, occurredAt: new Date("2025-03-02Z") }),
    ]);
  });
}

async function drift(shop: string, customerId: bigint, data: Record<string, number>) {
  await db.member.update({ where: { shop_customerId: { shop, customerId } }, data });
}

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/ledger-verify.ts", ...args], {
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

beforeEach(async () => {
  await resetDatabase(db);
  for (const id of [1n, 2n, 3n]) await seed(SHOP, id);
  await seed(OTHER, 1n);
});

describe("ledger:verify", () => {
  it("finds a clean cache clean, without opening any member", async () => {
    const result = await verifyLedger(db, SHOP, { fix: false });
    expect(result).toEqual({ members: 3, examined: 0, drift: [] });
    // The screen agrees with the locked replay on every member.
    expect(await verifyLedger(db, SHOP, { fix: false, full: true })).toEqual({
      members: 3,
      examined: 3,
      drift: [],
    });
  });

  it("reports drift per field, repairs it with fix, and leaves other shops alone", async () => {
    await drift(SHOP, 2n, { availablePoints: 999, expiredPoints: 0 });
    await drift(OTHER, 1n, { pendingPoints: 5 });
    const found = await verifyLedger(db, SHOP, { fix: false });
    expect(found.drift).toEqual([
      { customerId: 2n, field: "availablePoints", cached: 999, ledger: 70 },
      { customerId: 2n, field: "expiredPoints", cached: 0, ledger: 10 },
    ]);
    expect(found.examined).toBe(1);
    await verifyLedger(db, SHOP, { fix: true });
    expect(await verifyLedger(db, SHOP, { fix: false })).toMatchObject({ drift: [] });
    expect((await verifyLedger(db, OTHER, { fix: false })).drift).toHaveLength(1);
  });

  it("runs as a command that exits 1 on drift and 0 once fixed", async () => {
    await drift(SHOP, 3n, { lifetimePoints: 1 });
    const found = await cli(["--shop", SHOP]);
    expect(found.out).toContain("customer 3: lifetimePoints cached 1, ledger 140");
    expect(found.out).toContain("3 members checked, 1 with drift");
    expect(found.code).toBe(1);
    const fixed = await cli(["--shop", SHOP, "--fix"]);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toContain("(fixed)");
    const clean = await cli(["--shop", SHOP]);
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.out).toContain("0 with drift");
    expect(await cli([])).toMatchObject({ code: 2 });
    expect(await cli(["--shop", "nobody.myshopify.com"])).toMatchObject({ code: 2 });
  }, 60_000);
});
