import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { AdjustmentRefused, adjustPoints, type AdjustmentInput } from "./adjustments.server";
import { rebuildMemberBalances } from "./ledger.server";

const db = prisma();
const SHOP = "adjust-test.myshopify.com";
const CUSTOMER = 7n;
const now = new Date("2026-05-01T12:00:00Z");

const input = (extra: Partial<AdjustmentInput> = {}): AdjustmentInput => ({
  shop: SHOP,
  customerId: CUSTOMER,
  points: 100,
  reason: "Goodwill for a late delivery",
  staffId: "staff-1",
  adjustmentId: randomUUID(),
  now,
  ...extra,
});

const member = () =>
  db.member.findUniqueOrThrow({ where: { shop_customerId: { shop: SHOP, customerId: CUSTOMER } } });

beforeEach(async () => {
  await resetDatabase(db);
  await db.member.create({ data: { shop: SHOP, customerId: CUSTOMER, availablePoints: 0 } });
});

describe("adjustPoints", () => {
  it("records the staff, reason and program version on one available entry", async () => {
    const result = await adjustPoints(db, input({ points: 250 }));
    expect(result.applied).toBe(true);
    expect(result.member.availablePoints).toBe(250);
    const [entry] = await db.ledgerEntry.findMany({ where: { shop: SHOP } });
    expect(entry).toMatchObject({
      kind: "adjustment",
      bucket: "available",
      points: 250,
      staffId: "staff-1",
      reason: "Goodwill for a late delivery",
      programVersion: 1,
      occurredAt: now,
    });
  });

  it("applies a double submit of the same adjustment id once, even when both race", async () => {
    const same = input({ points: 40 });
    const results = await Promise.all(Array.from({ length: 8 }, () => adjustPoints(db, same)));
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect((await member()).availablePoints).toBe(40);
    expect(await db.ledgerEntry.count({ where: { shop: SHOP } })).toBe(1);
  });

  it("never overspends when concurrent removals race against one balance", async () => {
    await adjustPoints(db, input({ points: 100 }));
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, () => adjustPoints(db, input({ points: -30 }))),
    );
    const applied = attempts.filter((a) => a.status === "fulfilled").length;
    expect(applied).toBe(3);
    for (const a of attempts) if (a.status === "rejected") expect(a.reason).toBeInstanceOf(AdjustmentRefused);
    expect((await member()).availablePoints).toBe(10);
    expect(await rebuildMemberBalances(db, SHOP, CUSTOMER, { fix: false, now })).toEqual([]);
  });

  it("refuses a removal beyond the available balance unless the staff confirms", async () => {
    await adjustPoints(db, input({ points: 50 }));
    const refused = await adjustPoints(db, input({ points: -80 })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdjustmentRefused);
    expect(refused).toMatchObject({
      status: 422,
      fieldErrors: { points: expect.stringContaining("50 points") },
    });
    expect((await member()).availablePoints).toBe(50);

    await adjustPoints(db, input({ points: -80, allowNegative: true }));
    expect((await member()).availablePoints).toBe(-30);
  });

  it("refuses without a reason (422) and writes nothing", async () => {
    const refused = await adjustPoints(db, input({ reason: "   " })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 422, fieldErrors: { reason: expect.any(String) } });
    expect(await db.ledgerEntry.count()).toBe(0);
  });

  it("answers 404 for a customer who is not a member, and never touches another shop", async () => {
    await db.member.create({ data: { shop: "other.myshopify.com", customerId: 99n } });
    const refused = await adjustPoints(db, input({ customerId: 99n })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 404 });
    expect(await db.ledgerEntry.count()).toBe(0);
  });
});
