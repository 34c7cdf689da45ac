import { beforeEach, describe, expect, it } from "vitest";
import { createWorld, NOW } from "~tests/support/test-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import {
  heldOrders,
  heldOrdersForPage,
  reviewFromForm,
  reviewHeldOrder,
  shopHeldOrders,
} from "./review.server";
import { runScheduledLoyalty } from "./scheduled.server";

// Issue 11 #7: a $30M order credited 30,000,000 points with no sanity bound. An order over
// the program's reviewAbovePoints (100,000 by default) is held for review instead.

const SHOP = "review-test.myshopify.com";
const w = createWorld(SHOP);
const { db } = w;
const DAY = 86_400_000;

beforeEach(async () => {
  await resetDatabase(db);
  w.store.resetShop(SHOP);
});

async function customerWithOrder(email: string, dollars: number) {
  const [customer] = w.store.addCustomers(SHOP, [{ email }]);
  const [order] = w.store.addOrders(SHOP, [
    {
      customerId: customer!.id,
      financialStatus: "PAID",
      createdAt: "2025-10-01T10:00:00Z",
      lineItems: [{ title: "Yacht", quantity: 1, unitPrice: String(dollars) }],
    },
  ]);
  await w.deliver(w.order("orders/paid", order!, {}, { customer: customer! }));
  return { customerId: BigInt(customer!.legacyId), order: order! };
}

const earnOf = (customerId: bigint) =>
  db.ledgerEntry.findFirstOrThrow({ where: { shop: SHOP, customerId, kind: "earn" } });

describe("orders held for review", () => {
  it("lists the shop's held orders for the status page, and drops one once staff decide it", async () => {
    await w.setup();
    const whale = await customerWithOrder("whale@example.com", 30_000_000);
    const other = await customerWithOrder("orca@example.com", 20_000_000);
    await customerWithOrder("minnow@example.com", 20);
    expect(await shopHeldOrders(db, SHOP)).toEqual({
      members: 2,
      orders: expect.arrayContaining([
        expect.objectContaining({ customerId: whale.customerId, points: 30_000_000 }),
        expect.objectContaining({ customerId: other.customerId, points: 20_000_000 }),
      ]),
    });
    expect((await shopHeldOrders(db, SHOP, 1)).orders).toHaveLength(1);
    await reviewHeldOrder(db, {
      shop: SHOP,
      customerId: whale.customerId,
      orderId: BigInt(whale.order.legacyId),
      decision: "reject",
      staffId: "staff-1",
      now: NOW,
    });
    expect(await shopHeldOrders(db, SHOP)).toEqual({
      members: 1,
      orders: [expect.objectContaining({ customerId: other.customerId })],
    });
    expect(await shopHeldOrders(db, "someone-else.myshopify.com")).toEqual({ members: 0, orders: [] });
  });

  it("holds a $30M order's points instead of crediting them, and nothing releases them but staff", async () => {
    await w.setup();
    const { customerId, order } = await customerWithOrder("whale@example.com", 30_000_000);
    expect(await earnOf(customerId)).toMatchObject({
      points: 30_000_000,
      bucket: "pending",
      availableAt: null,
      details: expect.objectContaining({ review: { heldAbove: 100_000 } }),
    });
    // Long past the return window, the scheduled release leaves it held.
    await runScheduledLoyalty(db, SHOP, { now: new Date(NOW.getTime() + 90 * DAY) });
    expect(await w.member(Number(customerId))).toMatchObject({
      availablePoints: 0,
      pendingPoints: 30_000_000,
    });
    expect(await heldOrders(db, SHOP, customerId)).toEqual([
      { orderId: BigInt(order.legacyId), points: 30_000_000, placedAt: new Date("2025-10-01T10:00:00Z") },
    ]);

    const release = { shop: SHOP, customerId, orderId: BigInt(order.legacyId), staffId: "staff-1", now: NOW };
    expect(await reviewHeldOrder(db, { ...release, decision: "release" })).toMatchObject({ applied: true });
    expect(await w.member(Number(customerId))).toMatchObject({
      availablePoints: 30_000_000,
      pendingPoints: 0,
    });
    // Decided once: a second release or a reject finds nothing held.
    expect(await reviewHeldOrder(db, { ...release, decision: "release" })).toMatchObject({ applied: false });
    expect(await reviewHeldOrder(db, { ...release, decision: "reject" })).toMatchObject({ applied: false });
    expect(await heldOrders(db, SHOP, customerId)).toEqual([]);
  });

  it("a rejected order gives nothing, and its later refund takes nothing back", async () => {
    await w.setup();
    const { customerId, order } = await customerWithOrder("fraud@example.com", 30_000_000);
    const input = { shop: SHOP, customerId, orderId: BigInt(order.legacyId), staffId: "staff-1", now: NOW };
    expect(await reviewHeldOrder(db, { ...input, decision: "reject" })).toMatchObject({ applied: true });
    expect(await w.member(Number(customerId))).toMatchObject({
      availablePoints: 0,
      pendingPoints: 0,
      lifetimePoints: 0,
    });
    await w.deliver(
      w.refund(order, {
        id: 1,
        createdAt: "2025-10-03T00:00:00Z",
        lines: [{ lineItemId: order.lineItems[0]!.legacyId, quantity: 1 }],
      }),
    );
    expect(await w.member(Number(customerId))).toMatchObject({ availablePoints: 0, pendingPoints: 0 });
    await runScheduledLoyalty(db, SHOP, { now: new Date(NOW.getTime() + 90 * DAY) });
    expect(await w.member(Number(customerId))).toMatchObject({ availablePoints: 0, pendingPoints: 0 });
  });

  it("credits orders under the bound as before, and a program can lift the bound", async () => {
    await w.setup({ earning: { reviewAbovePoints: null } });
    const { customerId } = await customerWithOrder("big@example.com", 30_000_000);
    expect(await earnOf(customerId)).toMatchObject({ bucket: "pending", availableAt: expect.any(Date) });
    const small = await customerWithOrder("small@example.com", 50);
    expect(await earnOf(small.customerId)).toMatchObject({ points: 50, availableAt: expect.any(Date) });
  });

  it("the member page's form: 422 for a form naming no held order or decision, 404 for a non-member, then the decision once", async () => {
    await w.setup();
    const { customerId, order } = await customerWithOrder("page@example.com", 30_000_000);
    const form = (fields: Record<string, string>) => {
      const body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.set(k, v);
      return body;
    };
    const submit = (fields: Record<string, string>, id = customerId.toString()) =>
      reviewFromForm(db, { shop: SHOP, customerId: id, form: form(fields), staffId: "staff-1", now: NOW });
    const orderId = order.legacyId.toString();

    expect(await heldOrdersForPage(db, SHOP, customerId.toString())).toEqual([
      { orderId, points: 30_000_000, placedAt: "2025-10-01T10:00:00.000Z" },
    ]);
    expect(await heldOrdersForPage(db, SHOP, "1e30")).toBeNull();
    expect(await submit({ orderId, decision: "approve" })).toMatchObject({
      status: 422,
      answer: { ok: false, fieldErrors: { decision: expect.any(String) } },
    });
    expect(await submit({ orderId: "99999999999999999999", decision: "release" })).toMatchObject({
      status: 422,
      answer: { fieldErrors: { orderId: "Choose a held order." } },
    });
    expect(await submit({ orderId, decision: "release" }, "123")).toMatchObject({ status: 404 });
    expect(await submit({ orderId, decision: "release" }, "1e30")).toMatchObject({ status: 404 });
    expect(await submit({ orderId, decision: "reject" })).toEqual({
      status: 200,
      answer: { ok: true, applied: true },
    });
    expect(await submit({ orderId, decision: "reject" })).toEqual({
      status: 200,
      answer: { ok: true, applied: false },
    });
    expect(await w.member(Number(customerId))).toMatchObject({ pendingPoints: 0, availablePoints: 0 });
    const rejected = await db.ledgerEntry.findMany({ where: { shop: SHOP, customerId, kind: "correction" } });
    expect(rejected.map((e) => [e.points, e.staffId, e.reason])).toEqual([
      [-30_000_000, "staff-1", "Rejected after review"],
    ]);
  });
});
