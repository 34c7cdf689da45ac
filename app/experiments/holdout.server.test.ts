import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchPool, closeBatchPools, processOrderBatch } from "~/ingest/batch.server";
import { memberLedger } from "~/loyalty/services/ledger.server";
import { memberProgram } from "~/loyalty/services/member-program.server";
import { memberMetafields } from "~/shopify/metafields.server";
import { loadMemberStatus } from "~/storefront/member-status.server";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";
import { createWorld, NOW } from "~tests/support/test-world.server";
import { standingFromQuery } from "../../extensions/customer-account-points/src/points";
import { startHoldout } from "./experiments.server";
import { grantHoldoutPoints, heldOutCustomers, memberExperiments } from "./holdout.server";
import { stopExperiment } from "./lifecycle.server";

// A held-out customer gets no program on any surface, while the shadow ledger records
// exactly what the ledger gives a twin outside the holdout for the same history.

const SHOP = "holdout.myshopify.com";
const w = createWorld(SHOP);
const { db } = w;
beforeAll(() => resetDatabase(db));
afterAll(async () => {
  await closeBatchPools();
  await db.$disconnect();
});

const t = (minutes: number) => new Date(Date.parse("2025-10-01T12:00:00Z") + minutes * 60_000).toISOString();

/** Entries with the customer's and order's ids taken out, to compare a member with their twin. */
const shape = (entries: { key: string; kind: string; points: number; bucket: string }[], ids: string[]) =>
  entries
    .map((e) => ({
      key: ids.reduce((k, id, i) => k.replaceAll(id, `#${i}`), e.key),
      kind: e.kind,
      points: e.points,
      bucket: e.bucket,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));

describe("the program holdout", () => {
  it("gives held-out members nothing on every surface and shadows what a twin earns; the grant pays it once", async () => {
    await w.setup({ earning: { bonuses: { firstOrder: 25, signup: 10 } } });
    const holdout = await startHoldout(
      db,
      SHOP,
      { sharePercent: 50 },
      { now: new Date("2025-09-01T00:00:00Z") },
    );
    if (!holdout.ok) throw new Error("holdout did not start");
    const customers = w.store.addCustomers(
      SHOP,
      Array.from({ length: 30 }, (_, i) => ({
        email: `c${i}@example.com`,
        firstName: `C${i}`,
        updatedAt: t(-600),
      })),
    );
    const heldOut = await heldOutCustomers(SHOP, NOW);
    const held = customers.find((c) => heldOut(BigInt(c.legacyId)))!;
    const twin = customers.find((c) => !heldOut(BigInt(c.legacyId)))!;
    expect(held && twin).toBeTruthy();

    const line = { title: "Candle", quantity: 3, unitPrice: "10" };
    const [heldOrder, twinOrder, heldSecond, twinSecond] = w.store.addOrders(SHOP, [
      { customerId: held.id, financialStatus: "PAID", createdAt: t(0), updatedAt: t(1), lineItems: [line] },
      { customerId: twin.id, financialStatus: "PAID", createdAt: t(0), updatedAt: t(1), lineItems: [line] },
      { customerId: held.id, financialStatus: "PAID", createdAt: t(30), updatedAt: t(31), lineItems: [line] },
      { customerId: twin.id, financialStatus: "PAID", createdAt: t(30), updatedAt: t(31), lineItems: [line] },
    ]);
    for (const c of [held, twin]) await w.deliver(w.customer(c));
    // The per-order path, twice each (replays write nothing twice), and a partial refund.
    for (const [o, c] of [
      [heldOrder!, held],
      [twinOrder!, twin],
    ] as const) {
      for (const topic of ["orders/create", "orders/paid", "orders/paid"])
        await w.deliver(w.order(topic, o, {}, { customer: c }));
      await w.deliver(
        w.refund(o, {
          id: Number(o.legacyId) + 1,
          createdAt: t(5),
          lines: [{ lineItemId: o.lineItems[0]!.legacyId, quantity: 1 }],
        }),
      );
    }
    // The webhook batch: both second orders go set-based, the held-out one into the shadow.
    const ids = [];
    for (const [o, c] of [
      [heldSecond!, held],
      [twinSecond!, twin],
    ] as const)
      ids.push(await recordDelivery(db, { shop: SHOP, ...w.order("orders/paid", o, {}, { customer: c }) }));
    const batch = await processOrderBatch(batchPool(), SHOP, ids[0]!, NOW);
    expect([...batch.deferred]).toEqual([]);
    expect([...batch.processed].sort()).toEqual([...ids].sort());

    const heldId = BigInt(held.legacyId);
    const twinId = BigInt(twin.legacyId);
    expect(await memberLedger(db, SHOP, heldId)).toEqual([]);
    expect(await w.member(held.legacyId)).toMatchObject({
      availablePoints: 0,
      pendingPoints: 0,
      ordersEarned: 0,
    });
    const twinLedger = await memberLedger(db, SHOP, twinId);
    expect(twinLedger.map((e) => e.kind).sort()).toEqual([
      "bonus",
      "bonus",
      "earn",
      "earn",
      "refundReversal",
    ]);

    // The shadow ledger holds what the twin's ledger holds for the same orders (the signup
    // bonus is not an order's: the shadow records orders only).
    const shadow = await db.holdoutShadowEntry.findMany({ where: { shop: SHOP, customerId: heldId } });
    const twinOrders = twinLedger.filter((e) => !e.key.includes(":signup"));
    const heldIds = [
      held.legacyId,
      heldOrder!.legacyId,
      heldSecond!.legacyId,
      String(Number(heldOrder!.legacyId) + 1),
    ];
    const twinIds = [
      twin.legacyId,
      twinOrder!.legacyId,
      twinSecond!.legacyId,
      String(Number(twinOrder!.legacyId) + 1),
    ];
    expect(shape(shadow, heldIds.map(String))).toEqual(shape(twinOrders, twinIds.map(String)));
    expect(shadow.every((e) => e.experimentId === holdout.value.id)).toBe(true);

    // Storefront, metafields (and the customer account block reading them), member detail.
    expect(await loadMemberStatus(db, SHOP, heldId, NOW)).toEqual({
      member: false,
      reason: "noProgram",
      currency: "USD",
    });
    expect(await loadMemberStatus(db, SHOP, twinId, NOW)).toMatchObject({ member: true });
    const mp = await memberProgram(db, SHOP, heldId, NOW);
    const fields = memberMetafields(await w.member(held.legacyId), mp, mp.program);
    expect(fields.find((f) => f.key === "tier")!.value).toBe("none");
    const value = (key: string) => ({ value: fields.find((f) => f.key === key)!.value });
    expect(
      standingFromQuery({
        customer: { balance: value("balance"), tier: value("tier"), progress: value("progress") },
      }),
    ).toBeNull();
    const detail = await memberExperiments(db, SHOP, heldId, NOW);
    expect(detail).toMatchObject({
      heldOut: true,
      arms: [{ kind: "holdout", variantKey: "holdout", control: true }],
    });
    expect(detail.shadowPoints).toBe(shadow.reduce((s, e) => s + e.points, 0));

    // An order placed before the holdout began earns as it always did, and is not shadowed.
    const [early] = w.store.addOrders(SHOP, [
      {
        customerId: held.id,
        financialStatus: "PAID",
        createdAt: "2025-08-15T00:00:00Z",
        updatedAt: t(40),
        lineItems: [line],
      },
    ]);
    await w.deliver(w.order("orders/paid", early!, {}, { customer: held }));
    const heldLedger = await memberLedger(db, SHOP, heldId);
    expect(heldLedger.map((e) => [e.kind, e.points])).toEqual([
      ["earn", 30],
      ["bonus", 25],
    ]);
    expect(await db.holdoutShadowEntry.count({ where: { shop: SHOP, customerId: heldId } })).toBe(
      shadow.length,
    );

    // Ending the holdout: the grant pays the shadow points once, audited.
    expect(await grantHoldoutPoints(db, SHOP, holdout.value.id)).toMatchObject({ ok: false, status: 409 });
    await stopExperiment(db, SHOP, holdout.value.id);
    const owed = detail.shadowPoints;
    const [first, second] = [
      await grantHoldoutPoints(db, SHOP, holdout.value.id, { staffId: "staff-1" }),
      await grantHoldoutPoints(db, SHOP, holdout.value.id, { staffId: "staff-1" }),
    ];
    expect(first).toEqual({ ok: true, value: { members: 1, points: owed } });
    expect(second).toEqual({ ok: true, value: { members: 0, points: 0 } });
    const after = await w.member(held.legacyId);
    // The early order's 55 points were past their pending days already.
    expect(after.availablePoints).toBe(owed + 55);
    expect(await db.experimentAudit.count({ where: { shop: SHOP, action: "grant" } })).toBe(1);
  });
});
