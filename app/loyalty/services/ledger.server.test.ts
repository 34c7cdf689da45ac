import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import {
  appendEntries,
  LedgerEntryError,
  lockMember,
  memberLedger,
  rebuildMemberBalances,
  type NewLedgerEntry,
} from "./ledger.server";

const db = prisma();
const SHOP = "ledger-test.myshopify.com";
const CUSTOMER = 42n;

const credit = (key: string, points: number, extra: Partial<NewLedgerEntry> = {}): NewLedgerEntry => ({
  key: `${SHOP}:${key}`,
  kind: "bonus",
  points,
  bucket: "available",
  occurredAt: new Date("2025-06-01T00:00:00Z"),
  programVersion: 1,
  ...extra,
});

async function append(entries: NewLedgerEntry[]) {
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, SHOP, CUSTOMER);
    if (!member) throw new Error("no member");
    return appendEntries(tx, member, entries);
  });
}

beforeEach(async () => {
  await resetDatabase(db);
  await db.member.create({ data: { shop: SHOP, customerId: CUSTOMER } });
});

describe("appendEntries", () => {
  it("applies each key once and keeps the cached balances equal to the ledger", async () => {
    const first = await append([credit("a", 100), credit("b", 50, { bucket: "pending", kind: "earn" })]);
    expect(first.inserted.map((e) => e.key)).toHaveLength(2);
    const replay = await append([credit("a", 100), credit("c", 7)]);
    expect(replay.duplicates).toEqual([`${SHOP}:a`]);
    expect(replay.member).toMatchObject({ availablePoints: 107, pendingPoints: 50, lifetimePoints: 157 });
    expect(await rebuildMemberBalances(db, SHOP, CUSTOMER, { fix: false })).toEqual([]);
  });

  it("never loses an update when many transactions credit one member at once", async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => append([credit(`c${i}`, 1 + i)])));
    const member = await db.member.findUniqueOrThrow({
      where: { shop_customerId: { shop: SHOP, customerId: CUSTOMER } },
    });
    expect(member.availablePoints).toBe((40 * 41) / 2);
    expect(await rebuildMemberBalances(db, SHOP, CUSTOMER, { fix: false })).toEqual([]);
  });

  it("records the experiment variants an entry was written under, and nothing when there were none", async () => {
    await append([
      credit("plain", 5),
      credit("tested", 7, { experimentVariants: ["exp1:double", "exp2:b"] }),
    ]);
    const rows = await db.$queryRaw<{ key: string; experimentVariants: string[] | null }[]>`
      SELECT "key", "experimentVariants" FROM "LedgerEntry" ORDER BY "key"`;
    expect(rows).toEqual([
      { key: `${SHOP}:plain`, experimentVariants: null },
      { key: `${SHOP}:tested`, experimentVariants: ["exp1:double", "exp2:b"] },
    ]);
    const ledger = await memberLedger(db, SHOP, CUSTOMER);
    expect(ledger.map((e) => e.experimentVariants)).toEqual([[], ["exp1:double", "exp2:b"]]);
  });

  it("refuses a malformed entry and writes nothing", async () => {
    await expect(append([credit("ok", 5), credit("neg", -5)])).rejects.toBeInstanceOf(LedgerEntryError);
    expect(await db.ledgerEntry.count()).toBe(0);
  });

  it("repairs a drifted cache toward the ledger", async () => {
    await append([credit("a", 30)]);
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: CUSTOMER } },
      data: { availablePoints: 999 },
    });
    const drift = await rebuildMemberBalances(db, SHOP, CUSTOMER, { fix: true });
    expect(drift).toEqual([{ customerId: CUSTOMER, field: "availablePoints", cached: 999, ledger: 30 }]);
    expect(await rebuildMemberBalances(db, SHOP, CUSTOMER, { fix: false })).toEqual([]);
  });
});

describe("currentProgramVersion", () => {
  it("creates the default version once when many first reads race", async () => {
    const { currentProgramVersion } = await import("./program.server");
    const reads = await Promise.all(
      Array.from({ length: 12 }, () => currentProgramVersion(db, "race.myshopify.com")),
    );
    expect(new Set(reads.map((r) => r.version))).toEqual(new Set([1]));
    expect(await db.programVersion.count({ where: { shop: "race.myshopify.com" } })).toBe(1);
  });
});
