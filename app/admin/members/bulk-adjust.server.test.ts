import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { runBulkAdjustment } from "~/loyalty/services/bulk-adjustments.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { bulkAdjustAction } from "./list-page.server";

// Bulk points adjustments end to end on the real database and Redis: validation answers
// 422 and writes nothing, a double submit credits once, large selections go to the worker
// with progress, and every entry names the bulk and the staff member.

const db = prisma();
const SHOP = "bulk.myshopify.com";
const OTHER = "bulk-other.myshopify.com";
const STAFF = "42";

afterAll(() => closeQueues());

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}
const submit = (fields: Record<string, string>, shop = SHOP) =>
  bulkAdjustAction(
    db,
    shop,
    STAFF,
    form({ bulkId: randomUUID(), reason: "Sorry for the outage", ...fields }),
  );

beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  await db.shop.createMany({ data: [{ domain: SHOP }, { domain: OTHER }] });
  await db.member.createMany({
    data: [
      { shop: SHOP, customerId: 1n, availablePoints: 500, tierId: "gold" },
      { shop: SHOP, customerId: 2n, availablePoints: 80 },
      { shop: SHOP, customerId: 3n, availablePoints: 300, tierId: "gold" },
      { shop: OTHER, customerId: 4n, availablePoints: 0 },
    ],
  });
  await db.staffMember.create({
    data: { shop: SHOP, userId: STAFF, firstName: "Grace", lastName: "Hopper" },
  });
});

const entries = () =>
  db.ledgerEntry.findMany({ where: { kind: "adjustment" }, orderBy: { customerId: "asc" } });
const balances = async () =>
  Object.fromEntries(
    (await db.member.findMany({ where: { shop: SHOP } })).map((m) => [
      m.customerId.toString(),
      m.availablePoints,
    ]),
  );

describe("bulk points adjustment", () => {
  it.each([
    [{ points: "0", selection: "ids", customerIds: "1" }, "points"],
    [{ points: "", selection: "ids", customerIds: "1" }, "points"],
    [{ points: "1.5", selection: "ids", customerIds: "1" }, "points"],
    [{ points: "10", reason: "  ", selection: "ids", customerIds: "1" }, "reason"],
    [{ points: "10", selection: "ids", customerIds: "" }, "_form"],
    [{ points: "10", selection: "ids", customerIds: "1;drop" }, "customerIds"],
    [{ points: "10", selection: "ids", customerIds: "1", bulkId: "not-a-uuid" }, "bulkId"],
  ])("answers 422 for %j and writes nothing", async (fields, field) => {
    const answer = await submit(fields);
    expect(answer).toMatchObject({ ok: false, status: 422, fieldErrors: { [field]: expect.any(String) } });
    expect(await db.bulkAdjustment.count()).toBe(0);
    expect(await entries()).toHaveLength(0);
  });

  it("refuses a removal that would take any selected balance below zero, naming how many, and writes nothing", async () => {
    const answer = await submit({ points: "-100", selection: "filter", filter: "" });
    expect(answer).toMatchObject({ ok: false, status: 422 });
    expect(!answer.ok && answer.fieldErrors.points).toMatch(
      /^1 of the 3 selected members have fewer than 100 points/,
    );
    expect(await db.bulkAdjustment.count()).toBe(0);
    expect(await balances()).toEqual({ "1": 500, "2": 80, "3": 300 });
  });

  it("applies to the ticked members of the shop only, once however often the form is submitted", async () => {
    const fields = { bulkId: randomUUID(), points: "-50", selection: "ids", customerIds: "1,2,4" };
    const [first, second] = await Promise.all([submit(fields), submit(fields)]);
    const third = await submit(fields);
    expect([first, second].filter((a) => a.ok && a.created)).toHaveLength(1);
    expect(third).toMatchObject({ ok: true, created: false, bulk: { status: "done", applied: 2, total: 2 } });
    expect(await balances()).toEqual({ "1": 450, "2": 30, "3": 300 });
    const written = await entries();
    expect(written.map((e) => [e.shop, e.customerId, e.points, e.staffId, e.reason, e.key])).toEqual([
      [SHOP, 1n, -50, STAFF, "Sorry for the outage", `${SHOP}:adjustment:${fields.bulkId}:1`],
      [SHOP, 2n, -50, STAFF, "Sorry for the outage", `${SHOP}:adjustment:${fields.bulkId}:2`],
    ]);
    expect(third.ok && third.bulk.staff).toBe("Grace Hopper");
  });

  it("applies to every member the filter matches", async () => {
    const answer = await submit({ points: "25", selection: "filter", filter: "tier=gold" });
    expect(answer).toMatchObject({ ok: true, bulk: { status: "done", total: 2, applied: 2 } });
    expect(await balances()).toEqual({ "1": 525, "2": 80, "3": 325 });
  });

  it("hands a large selection to the worker, which applies it with progress and resumes without crediting twice", async () => {
    await db.member.createMany({
      data: Array.from({ length: 450 }, (_, i) => ({
        shop: SHOP,
        customerId: BigInt(100 + i),
        availablePoints: 0,
      })),
    });
    const answer = await submit({ points: "10", selection: "filter", filter: "" });
    expect(answer).toMatchObject({
      ok: true,
      created: true,
      bulk: { status: "queued", total: 453, processed: 0 },
    });
    const id = answer.ok ? answer.bulk.id : "";
    const job = await queue(QUEUE.loyalty).getJob(`bulk-adjust_${id}`);
    expect(job?.data).toEqual({ bulkId: id });
    expect(await entries()).toHaveLength(0);

    const done = await runBulkAdjustment(db, id);
    expect(done).toMatchObject({ status: "done", processed: 453, applied: 453, skipped: 0 });
    // A redelivered job, or a run resumed from an earlier checkpoint, credits nobody twice.
    await db.bulkAdjustment.update({
      where: { id },
      data: { status: "running", processed: 200, applied: 200 },
    });
    expect(await runBulkAdjustment(db, id)).toMatchObject({ status: "done", processed: 453, applied: 453 });
    expect(await entries()).toHaveLength(453);
    expect((await balances())["100"]).toBe(10);
  });

  it("skips, and counts, a member whose balance fell below the removal after the check", async () => {
    await db.member.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        shop: SHOP,
        customerId: BigInt(100 + i),
        availablePoints: 100,
      })),
    });
    const answer = await submit({ points: "-60", selection: "filter", filter: "pointsMin=100" });
    const id = answer.ok ? answer.bulk.id : "";
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: 100n } },
      data: { availablePoints: 10 },
    });
    expect(await runBulkAdjustment(db, id)).toMatchObject({
      status: "done",
      total: 122,
      applied: 121,
      skipped: 1,
    });
  });
});
