import { beforeEach, describe, expect, it } from "vitest";
import { balancesFromLedger } from "~/loyalty/ledger";
import { memberLedger } from "~/loyalty/services/ledger.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { customerDeletePayload } from "../../emulator/webhook-payloads";
import { createWorld, NOW } from "~tests/support/test-world.server";

const SHOP = "ingest-test.myshopify.com";
const w = createWorld(SHOP);
const { db } = w;

const PLACED = "2025-10-01T12:00:00Z";

function shopWorld() {
  const [ana] = w.store.addCustomers(SHOP, [
    { email: "ana.quintero@example.com", firstName: "Ana", updatedAt: "2025-09-01T00:00:00Z" },
  ]);
  const [order] = w.store.addOrders(SHOP, [
    {
      customerId: ana!.id,
      financialStatus: "PAID",
      createdAt: PLACED,
      updatedAt: "2025-10-01T12:00:05Z",
      lineItems: [{ title: "Candle", quantity: 3, unitPrice: "10" }],
      shippingPrice: "5",
    },
  ]);
  return { ana: ana!, order: order! };
}

beforeEach(async () => {
  await resetDatabase(db);
  w.store.resetShop(SHOP);
  await w.setup({
    earning: { bonuses: { firstOrder: 25 } },
    membership: { excludedCustomerTags: ["wholesale"] },
  });
});

describe("order ingest", () => {
  it("mirrors the order and credits 1 point per dollar of merchandise once, however often it is delivered", async () => {
    const { ana, order } = shopWorld();
    for (const topic of ["orders/create", "orders/paid", "orders/paid", "orders/updated"])
      await w.deliver(w.order(topic, order, {}, { customer: ana }));

    const row = await db.order.findUniqueOrThrow({
      where: { shop_id: { shop: SHOP, id: BigInt(order.legacyId) } },
    });
    expect(row).toMatchObject({
      customerId: BigInt(ana.legacyId),
      subtotalMinor: 3000n,
      totalShippingMinor: 500n,
    });
    const member = await w.member(ana.legacyId);
    expect(member).toMatchObject({
      status: "active",
      pendingPoints: 30 + 25,
      availablePoints: 0,
      ordersEarned: 1,
    });
    const ledger = await memberLedger(db, SHOP, member.customerId);
    expect(ledger.map((e) => [e.kind, e.points])).toEqual([
      ["earn", 30],
      ["bonus", 25],
    ]);
    expect(balancesFromLedger(ledger, NOW)).toMatchObject({ pending: 55, available: 0 });
    const events = await db.loyaltyEvent.findMany({ where: { shop: SHOP, type: "pointsEarned" } });
    expect(events).toHaveLength(2);
  });

  it("ignores a stale payload: an older updated_at never overwrites a newer row", async () => {
    const { ana, order } = shopWorld();
    await w.deliver(w.order("orders/updated", order, { tags: ["gift"], updatedAt: "2025-10-02T00:00:00Z" }));
    await w.deliver(w.order("orders/create", order, { tags: [], financialStatus: "PENDING" }));
    const row = await db.order.findUniqueOrThrow({
      where: { shop_id: { shop: SHOP, id: BigInt(order.legacyId) } },
    });
    expect(row).toMatchObject({ tags: ["gift"], financialStatus: "paid" });

    await w.deliver(w.customer(ana, { tags: ["vip"], updatedAt: "2025-10-02T00:00:00Z" }));
    await w.deliver(w.customer(ana, { tags: ["wholesale"], updatedAt: "2025-09-15T00:00:00Z" }));
    const customer = await db.customer.findUniqueOrThrow({
      where: { shop_id: { shop: SHOP, id: BigInt(ana.legacyId) } },
    });
    expect(customer.tags).toEqual(["vip"]);
    expect((await w.member(ana.legacyId)).status).toBe("active");
  });

  it("takes partial refunds back in proportion, and N partial refunds sum to the points earned", async () => {
    const { ana, order } = shopWorld();
    await w.deliver(w.order("orders/paid", order, {}, { customer: ana }));
    const line = order.lineItems[0]!.legacyId;
    const at = (d: number) => `2025-10-0${d}T00:00:00Z`;
    await w.deliver(w.refund(order, { id: 1, createdAt: at(2), lines: [{ lineItemId: line, quantity: 1 }] }));
    expect(await w.member(ana.legacyId)).toMatchObject({ pendingPoints: 55 - 10 });
    await w.deliver(w.refund(order, { id: 2, createdAt: at(3), lines: [{ lineItemId: line, quantity: 1 }] }));
    expect(await w.member(ana.legacyId)).toMatchObject({ pendingPoints: 55 - 20 });
    await w.deliver(w.refund(order, { id: 3, createdAt: at(4), lines: [{ lineItemId: line, quantity: 1 }] }));
    // Fully refunded: the order's 30 points and its first-order bonus are gone.
    const member = await w.member(ana.legacyId);
    expect(member).toMatchObject({ pendingPoints: 0, lifetimePoints: 0, ordersEarned: 1 });
    const reversals = await db.ledgerEntry.findMany({
      where: { shop: SHOP, kind: "refundReversal" },
      orderBy: { id: "asc" },
    });
    expect(reversals.map((r) => r.points)).toEqual([-10, -10, -10, -25]);
  });

  it("splits uneven refunds without ever taking more than was earned", async () => {
    const [ana] = w.store.addCustomers(SHOP, [{ email: "odd@example.com" }]);
    const [order] = w.store.addOrders(SHOP, [
      {
        customerId: ana!.id,
        financialStatus: "PAID",
        createdAt: PLACED,
        lineItems: [{ title: "Thing", quantity: 3, unitPrice: "3.33" }],
      },
    ]);
    await w.deliver(w.order("orders/paid", order!, {}, { customer: ana! }));
    expect((await w.member(ana!.legacyId)).pendingPoints).toBe(9 + 25); // floor(9.99)
    const line = order!.lineItems[0]!.legacyId;
    for (const id of [11, 12, 13]) {
      await w.deliver(
        w.refund(order!, {
          id,
          createdAt: "2025-10-02T00:00:00Z",
          lines: [{ lineItemId: line, quantity: 1 }],
        }),
      );
    }
    const reversed = await db.ledgerEntry.aggregate({
      where: { shop: SHOP, kind: "refundReversal", lotKey: { endsWith: ":earn" } },
      _sum: { points: true },
    });
    expect(reversed._sum.points).toBe(-9);
  });

  it("marks the member's reward code used when an order carries it", async () => {
    const [ana] = w.store.addCustomers(SHOP, [{ email: "coder@example.com" }]);
    const redemption = await db.redemption.create({
      data: {
        shop: SHOP,
        customerId: BigInt(ana!.legacyId),
        rewardId: "five-off",
        reward: { name: "$5 off" },
        pointsCost: 500,
        programVersion: 1,
        status: "issued",
        code: "LOYAL-5OFF-XYZ",
      },
    });
    const [order] = w.store.addOrders(SHOP, [
      {
        customerId: ana!.id,
        financialStatus: "PAID",
        createdAt: PLACED,
        discountCodes: [{ code: "loyal-5off-xyz", amount: "5" }],
        lineItems: [{ title: "Candle", quantity: 1, unitPrice: "30" }],
      },
    ]);
    await w.deliver(w.order("orders/create", order!, {}, { customer: ana! }));
    expect(await db.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "used",
      usedOrderId: BigInt(order!.legacyId),
      usedAt: new Date(PLACED),
    });
  });

  it("never credits test orders or unpaid orders", async () => {
    const { ana, order } = shopWorld();
    await w.deliver(w.order("orders/create", order, { test: true }, { customer: ana }));
    await w.deliver(
      w.order(
        "orders/create",
        order,
        {
          financialStatus: "PENDING",
          legacyId: order.legacyId + 1,
          id: `gid://shopify/Order/${order.legacyId + 1}`,
        },
        { customer: ana },
      ),
    );
    expect(await db.ledgerEntry.count({ where: { shop: SHOP, kind: "earn" } })).toBe(0);
  });

  it("reverses what remains on cancellation, after a partial refund", async () => {
    const { ana, order } = shopWorld();
    await w.deliver(w.order("orders/paid", order, {}, { customer: ana }));
    const line = order.lineItems[0]!.legacyId;
    await w.deliver(
      w.refund(order, {
        id: 5,
        createdAt: "2025-10-02T00:00:00Z",
        lines: [{ lineItemId: line, quantity: 1 }],
      }),
    );
    await w.deliver(
      w.order("orders/cancelled", order, {
        cancelledAt: "2025-10-03T00:00:00Z",
        updatedAt: "2025-10-03T00:00:00Z",
        financialStatus: "REFUNDED",
      }),
    );
    expect(await w.member(ana.legacyId)).toMatchObject({ pendingPoints: 0, lifetimePoints: 0 });
    const cancel = await db.ledgerEntry.findMany({
      where: { shop: SHOP, kind: "cancellationReversal" },
      orderBy: { id: "asc" },
    });
    expect(cancel.map((e) => e.points)).toEqual([-20, -25]);
  });
});

describe("members", () => {
  it("excludes tagged customers, staff and B2B buyers: they earn nothing", async () => {
    const [tagged, staff, buyer] = w.store.addCustomers(SHOP, [
      { email: "tagged@example.com", tags: ["Wholesale"] },
      { email: `OWNER@${SHOP}` },
      { email: "buyer@example.com" },
    ]);
    for (const c of [tagged!, staff!]) {
      await w.deliver({ ...w.customer(c), topic: "customers/create" });
      const [order] = w.store.addOrders(SHOP, [
        {
          customerId: c.id,
          financialStatus: "PAID",
          lineItems: [{ title: "X", quantity: 1, unitPrice: "50" }],
        },
      ]);
      await w.deliver(w.order("orders/paid", order!, {}, { customer: c }));
    }
    const [b2b] = w.store.addOrders(SHOP, [
      {
        customerId: buyer!.id,
        financialStatus: "PAID",
        lineItems: [{ title: "X", quantity: 1, unitPrice: "50" }],
      },
    ]);
    const payload = w.order("orders/paid", b2b!, {}, { customer: buyer! });
    await w.deliver({
      ...payload,
      payload: { ...(payload.payload as object), company: { id: 9001, location_id: 1 } },
    });

    expect(await w.member(tagged!.legacyId)).toMatchObject({
      status: "excluded",
      statusReason: "excludedTag:Wholesale",
    });
    expect(await w.member(staff!.legacyId)).toMatchObject({ status: "excluded", statusReason: "staff" });
    expect(await w.member(buyer!.legacyId)).toMatchObject({ status: "excluded", statusReason: "b2b" });
    expect(await db.ledgerEntry.count({ where: { shop: SHOP } })).toBe(0);

    // Removing the tag enrolls the customer from then on.
    await w.deliver(w.customer(tagged!, { tags: [], updatedAt: "2025-10-04T00:00:00Z" }));
    expect(await w.member(tagged!.legacyId)).toMatchObject({ status: "active", enrolledAt: NOW });
  });

  it("dates a new member's join at their first order or account creation, whichever is earlier", async () => {
    const [old, fresh] = w.store.addCustomers(SHOP, [
      { email: "old@example.com", createdAt: "2024-03-01T09:00:00Z", updatedAt: "2025-09-01T00:00:00Z" },
      { email: "imported@example.com", createdAt: "2025-09-20T00:00:00Z", updatedAt: "2025-09-20T00:00:00Z" },
    ]);
    const orders = w.store.addOrders(SHOP, [
      {
        customerId: old!.id,
        financialStatus: "PAID",
        createdAt: PLACED,
        lineItems: [{ title: "X", quantity: 1, unitPrice: "20" }],
      },
      // Orders imported from another platform predate the account that now holds them.
      {
        customerId: fresh!.id,
        financialStatus: "PAID",
        createdAt: "2025-06-02T08:00:00Z",
        lineItems: [{ title: "X", quantity: 1, unitPrice: "20" }],
      },
    ]);
    await w.deliver(w.order("orders/paid", orders[0]!, {}, { customer: old! }));
    await w.deliver(w.order("orders/paid", orders[1]!, {}, { customer: fresh! }));
    expect((await w.member(old!.legacyId))?.enrolledAt?.toISOString()).toBe("2024-03-01T09:00:00.000Z");
    expect((await w.member(fresh!.legacyId))?.enrolledAt?.toISOString()).toBe("2025-06-02T08:00:00.000Z");
    // The enrollment and its signup bonus happen when the app enrolls them.
    const enrolled = await db.loyaltyEvent.findFirstOrThrow({
      where: { shop: SHOP, customerId: BigInt(old!.legacyId), type: "memberEnrolled" },
    });
    expect(enrolled.occurredAt).toEqual(NOW);
  });

  it("credits a guest order once a customer with the same email appears", async () => {
    const [guest] = w.store.addOrders(SHOP, [
      {
        email: "Guest.Buyer@example.com",
        financialStatus: "PAID",
        createdAt: PLACED,
        lineItems: [{ title: "Y", quantity: 2, unitPrice: "20" }],
      },
    ]);
    await w.deliver(w.order("orders/paid", guest!));
    expect(await db.member.count({ where: { shop: SHOP } })).toBe(0);

    const [later] = w.store.addCustomers(SHOP, [{ email: "guest.buyer@example.com" }]);
    await w.deliver({ ...w.customer(later!), topic: "customers/create" });
    const order = await db.order.findUniqueOrThrow({
      where: { shop_id: { shop: SHOP, id: BigInt(guest!.legacyId) } },
    });
    expect(order.customerId).toBe(BigInt(later!.legacyId));
    expect(await w.member(later!.legacyId)).toMatchObject({ pendingPoints: 40 + 25, ordersEarned: 1 });
    // A later delivery of the guest order (no customer in it) keeps the link and credits nothing more.
    await w.deliver(w.order("orders/updated", guest!, { updatedAt: "2025-10-02T00:00:00Z" }));
    expect(await w.member(later!.legacyId)).toMatchObject({ pendingPoints: 65 });
  });

  it("credits guest orders when the customer first appears on a later order", async () => {
    const [guest] = w.store.addOrders(SHOP, [
      {
        email: "walkin@example.com",
        financialStatus: "PAID",
        createdAt: PLACED,
        lineItems: [{ title: "Y", quantity: 1, unitPrice: "10" }],
      },
    ]);
    await w.deliver(w.order("orders/paid", guest!));
    const [buyer] = w.store.addCustomers(SHOP, [{ email: "WALKIN@example.com" }]);
    const [next] = w.store.addOrders(SHOP, [
      {
        customerId: buyer!.id,
        financialStatus: "PAID",
        createdAt: "2025-10-03T00:00:00Z",
        lineItems: [{ title: "Z", quantity: 1, unitPrice: "20" }],
      },
    ]);
    await w.deliver(w.order("orders/paid", next!, {}, { customer: buyer! }));
    // Both orders earn; the first-order bonus goes to the first one credited.
    expect(await w.member(buyer!.legacyId)).toMatchObject({ pendingPoints: 10 + 20 + 25, ordersEarned: 2 });
  });

  it("keeps opt-in programs' customers out until they join", async () => {
    await db.programVersion.deleteMany({ where: { shop: SHOP } });
    await db.shop.deleteMany({ where: { domain: SHOP } });
    await w.setup({ membership: { enrollment: "optIn" } });
    const { ana, order } = shopWorld();
    await w.deliver(w.order("orders/paid", order, {}, { customer: ana }));
    expect(await w.member(ana.legacyId)).toMatchObject({
      status: "notEnrolled",
      enrolledAt: null,
      pendingPoints: 0,
    });
  });

  it("customers/delete stops earning and keeps the ledger; a late update does not revive the member", async () => {
    const { ana, order } = shopWorld();
    await w.deliver(w.order("orders/paid", order, {}, { customer: ana }));
    await w.deliver({ topic: "customers/delete", payload: customerDeletePayload(ana) });
    await w.deliver(w.customer(ana, { firstName: "Anabel", updatedAt: "2025-10-04T00:00:00Z" }));
    const [second] = w.store.addOrders(SHOP, [
      {
        customerId: ana.id,
        financialStatus: "PAID",
        lineItems: [{ title: "Z", quantity: 1, unitPrice: "99" }],
      },
    ]);
    await w.deliver(w.order("orders/paid", second!, {}, { customer: ana }));
    expect(await w.member(ana.legacyId)).toMatchObject({ status: "deleted", pendingPoints: 55 });
    const customer = await db.customer.findUniqueOrThrow({
      where: { shop_id: { shop: SHOP, id: BigInt(ana.legacyId) } },
    });
    expect(customer).toMatchObject({ deletedAt: NOW, firstName: "Ana" });
  });
});
