import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { earningOrderFromMirror, parseMirrorLineItems } from "~/mirror/format";
import { settleOrder } from "~/loyalty/services/orders.server";
import { currentProgram } from "~/loyalty/services/program.server";
import { emulatorGraphql, seedProgram } from "~tests/support/loyalty-world.server";
import type { AdminGraphql } from "~/shopify/graphql.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../emulator/server";
import { installApp, startTestEmulator } from "../../emulator/testing";
import { earningOrderForReplay } from "./credit.server";
import { loadJsonl } from "./load.server";
import { backfillPool, closeBackfillPools } from "./sql.server";
import { createBackfillRun, runBackfill, type BackfillDeps } from "./run.server";

const db = prisma();
const SHOP = "backfill-test.myshopify.com";
const NOW = new Date("2025-09-01T00:00:00Z");

let emulator: Emulator;
let graphql: AdminGraphql;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  graphql = emulatorGraphql(emulator, await installApp(emulator, SHOP));
});
afterAll(async () => {
  await emulator.close();
  await closeBackfillPools();
});

const deps = (extra: Partial<BackfillDeps> = {}): BackfillDeps => ({
  db,
  graphql,
  now: () => NOW,
  poll: { intervalMs: 5, maxIntervalMs: 20 },
  ...extra,
});

let ids: { ana: bigint; ben: bigint; cara: bigint; mug: bigint };

beforeEach(async () => {
  await resetDatabase(db);
  emulator.store.resetShop(SHOP);
  await seedProgram(db, SHOP, {
    earning: { pointsPerCurrencyUnit: 1, bonuses: { firstOrder: 25 }, pendingDays: 14 },
  });
  const [ana, ben, cara] = emulator.store.addCustomers(SHOP, [
    { email: "ana@example.com", firstName: "Ana", tags: ["vip"] },
    { email: "ben@example.com" },
    { email: "cara@example.com", tags: ["wholesale"] },
  ]);
  const [mug] = emulator.store.addProducts(SHOP, [
    {
      title: "Mug",
      tags: ["ceramics"],
      variants: [
        { price: "12.50", inventoryQuantity: 7, unitCost: "4.25", sku: "MUG-1" },
        { title: "Large", price: "15.00" },
      ],
    },
  ]);
  emulator.store.addOrders(SHOP, [
    {
      customerId: ana!.id,
      createdAt: "2025-01-02T10:00:00Z",
      discountCodes: [{ code: "TEN", amount: "5.00" }],
      lineItems: [
        { title: "Mug", quantity: 2, unitPrice: "12.50", productId: mug!.id },
        { title: "Tea", quantity: 1, unitPrice: "25.00" },
      ],
      shippingPrice: "4.00",
    },
    {
      customerId: ana!.id,
      createdAt: "2025-03-02T10:00:00Z",
      lineItems: [{ title: "Tea", quantity: 3, unitPrice: "10.00" }],
    },
    {
      customerId: ana!.id,
      createdAt: "2025-04-02T10:00:00Z",
      cancelledAt: "2025-04-03T10:00:00Z",
      lineItems: [{ title: "Kettle", quantity: 1, unitPrice: "80.00" }],
    },
    {
      customerId: ben!.id,
      createdAt: "2025-05-01T10:00:00Z",
      financialStatus: "PENDING",
      lineItems: [{ title: "Tea", quantity: 1, unitPrice: "25.00" }],
    },
    {
      customerId: ben!.id,
      createdAt: "2025-08-25T10:00:00Z",
      lineItems: [{ title: "Tea", quantity: 2, unitPrice: "25.00" }],
    },
    { customerId: ben!.id, test: true, lineItems: [{ title: "Tea", quantity: 1, unitPrice: "25.00" }] },
    { email: "guest@example.com", lineItems: [{ title: "Tea", quantity: 1, unitPrice: "25.00" }] },
  ]);
  ids = {
    ana: BigInt(ana!.legacyId),
    ben: BigInt(ben!.legacyId),
    cara: BigInt(cara!.legacyId),
    mug: BigInt(mug!.legacyId),
  };
});

const ledger = (customerId: bigint) =>
  db.ledgerEntry.findMany({
    where: { shop: SHOP, customerId },
    orderBy: [{ occurredAt: "asc" }, { key: "asc" }],
    select: {
      key: true,
      kind: true,
      points: true,
      bucket: true,
      occurredAt: true,
      availableAt: true,
      lotKey: true,
    },
  });

/** Forty more orders for Cara, two lines each: 47 orders and 88 line items in all. */
function addCaraOrders() {
  emulator.store.addOrders(
    SHOP,
    Array.from({ length: 40 }, (_, i) => ({
      customerId: Number(ids.cara),
      createdAt: new Date(Date.UTC(2025, 0, 10 + i)).toISOString(),
      lineItems: [
        { title: "Tea", quantity: 1, unitPrice: "5.00" },
        { title: "Mug", quantity: 1, unitPrice: "12.50", productId: Number(ids.mug) },
      ],
    })),
  );
}

/** A download that delivers `text`, then loses its connection. */
function halfThenHangUp(text: string): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(new Error("socket hang up"));
      sent = true;
      controller.enqueue(new TextEncoder().encode(text));
    },
  });
  return new Response(body);
}

describe("backfill", () => {
  it("exports, loads the mirror in the ingest shapes, enrolls members and credits history", async () => {
    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    const done = await runBackfill(run.id, deps({ loadBatchRoots: 2, creditBatchCustomers: 2 }));
    expect(done).toMatchObject({
      status: "completed",
      phase: "done",
      customersLoaded: 3,
      ordersLoaded: 7,
      lineItemsLoaded: 8,
      productsLoaded: 1,
      customersTotal: 3,
      customersCredited: 3,
      membersEnrolled: 3,
      error: null,
    });

    const first = await db.order.findFirstOrThrow({
      where: { shop: SHOP, customerId: ids.ana },
      orderBy: { id: "asc" },
    });
    expect(first).toMatchObject({
      currencyCode: "USD",
      subtotalMinor: 4500n,
      totalMinor: 4900n,
      totalDiscountsMinor: 500n,
      totalShippingMinor: 400n,
      financialStatus: "paid",
      discountCodes: ["TEN"],
      shopifyCreatedAt: new Date("2025-01-02T10:00:00Z"),
    });
    expect(parseMirrorLineItems(first.lineItems)).toEqual([
      expect.objectContaining({
        productId: ids.mug.toString(),
        quantity: 2,
        priceMinor: 1250,
        discountMinor: 250,
      }),
      expect.objectContaining({ productId: null, quantity: 1, priceMinor: 2500, discountMinor: 250 }),
    ]);
    expect(
      await db.customer.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: ids.ana } } }),
    ).toMatchObject({
      email: "ana@example.com",
      tags: ["vip"],
      ordersCount: 3,
    });
    expect(
      await db.product.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: ids.mug } } }),
    ).toMatchObject({
      title: "Mug",
      tags: ["ceramics"],
      status: "active",
    });
    // Variants: price, stock on hand (ProductVariant.inventoryQuantity) and InventoryItem.unitCost.
    const variants = await db.productVariant.findMany({
      where: { shop: SHOP, productId: ids.mug },
      orderBy: { id: "asc" },
    });
    expect(variants.map((v) => [v.sku, v.priceMinor, v.inventoryQuantity, v.unitCostMinor])).toEqual([
      ["MUG-1", 1250n, 7, 425n],
      [null, 1500n, null, null],
    ]);

    const anaOrders = (
      await db.order.findMany({ where: { shop: SHOP, customerId: ids.ana }, orderBy: { id: "asc" } })
    ).map((o) => o.id.toString());
    expect((await ledger(ids.ana)).map((e) => [e.key, e.kind, e.points, e.bucket])).toEqual([
      [`${SHOP}:customer:${ids.ana}:bonus:first-order`, "bonus", 25, "available"],
      [`${SHOP}:order:${anaOrders[0]}:earn`, "earn", 45, "available"],
      [`${SHOP}:order:${anaOrders[1]}:earn`, "earn", 30, "available"],
      [`${SHOP}:order:${anaOrders[2]}:earn`, "earn", 80, "available"],
      [`${SHOP}:order:${anaOrders[2]}:cancel:reverse`, "cancellationReversal", -80, "available"],
    ]);
    // Ben: the pending order and the test order earn nothing; the recent one is still pending.
    const ben = await ledger(ids.ben);
    expect(ben.map((e) => [e.kind, e.points, e.bucket])).toEqual([
      ["bonus", 25, "pending"],
      ["earn", 50, "pending"],
    ]);
    expect(ben[1]!.availableAt).toEqual(new Date("2025-09-08T10:00:00Z"));

    const members = await db.member.findMany({ where: { shop: SHOP }, orderBy: { customerId: "asc" } });
    expect(
      members.map((m) => [m.customerId, m.status, m.availablePoints, m.pendingPoints, m.ordersEarned]),
    ).toEqual([
      [ids.ana, "active", 100, 0, 3],
      [ids.ben, "active", 0, 75, 1],
      [ids.cara, "active", 0, 0, 0],
    ]);
    expect(await db.order.count({ where: { shop: SHOP, customerId: null } })).toBe(1);
  });

  it("writes the same entries the live path writes when it settles the same orders", async () => {
    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    await runBackfill(run.id, deps());
    const orders = await db.order.findMany({ where: { shop: SHOP, customerId: ids.ana } });
    // A refund mirrored by webhook ingest: both paths read it from the same table.
    await db.refund.create({
      data: {
        shop: SHOP,
        id: 555n,
        orderId: orders.sort((a, b) => Number(a.id - b.id))[1]!.id,
        lineItems: [
          { lineItemId: parseMirrorLineItems(orders[1]!.lineItems)[0]!.id, quantity: 1, subtotalMinor: 1000 },
        ],
        processedAt: new Date("2025-03-10T00:00:00Z"),
      },
    });
    await db.ledgerEntry.deleteMany({ where: { shop: SHOP } });
    await db.member.deleteMany({ where: { shop: SHOP } });
    const again = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    await db.backfillRun.update({ where: { id: again.run.id }, data: { phase: "credit", resource: null } });
    await runBackfill(again.run.id, deps());
    const replayed = await ledger(ids.ana);

    await db.ledgerEntry.deleteMany({ where: { shop: SHOP } });
    await db.member.deleteMany({ where: { shop: SHOP } });
    const program = await currentProgram(db, SHOP);
    const chronological = [...orders].sort(
      (a, b) => a.shopifyCreatedAt!.getTime() - b.shopifyCreatedAt!.getTime(),
    );
    for (const order of chronological)
      await db.$transaction((tx) => settleOrder(tx, SHOP, order.id, program, NOW));
    const live = await ledger(ids.ana);

    expect(replayed.some((e) => e.kind === "refundReversal" && e.points === -10)).toBe(true);
    expect(replayed).toEqual(live);
  });

  it("replays again, under its lock, a customer a live webhook enrolls and credits mid-batch", async () => {
    const program = await currentProgram(db, SHOP);
    let raced = false;
    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    const done = await runBackfill(
      run.id,
      deps({
        creditHooks: {
          // After the batch has replayed Ana as a new member, before it inserts her.
          beforeMemberInsert: async () => {
            if (raced) return;
            raced = true;
            await db.member.create({
              data: { shop: SHOP, customerId: ids.ana, status: "active", enrolledAt: NOW },
            });
            const [first] = await db.order.findMany({
              where: { shop: SHOP, customerId: ids.ana },
              orderBy: { shopifyCreatedAt: "asc" },
            });
            await db.$transaction((tx) => settleOrder(tx, SHOP, first!.id, program, NOW));
          },
        },
      }),
    );
    expect(raced).toBe(true);
    expect(done).toMatchObject({ status: "completed", membersEnrolled: 2, customersCredited: 3 });
    const anaOrders = (
      await db.order.findMany({ where: { shop: SHOP, customerId: ids.ana }, orderBy: { id: "asc" } })
    ).map((o) => o.id.toString());
    expect((await ledger(ids.ana)).map((e) => [e.key, e.kind, e.points])).toEqual([
      [`${SHOP}:customer:${ids.ana}:bonus:first-order`, "bonus", 25],
      [`${SHOP}:order:${anaOrders[0]}:earn`, "earn", 45],
      [`${SHOP}:order:${anaOrders[1]}:earn`, "earn", 30],
      [`${SHOP}:order:${anaOrders[2]}:earn`, "earn", 80],
      [`${SHOP}:order:${anaOrders[2]}:cancel:reverse`, "cancellationReversal", -80],
    ]);
    // The entries the batch wrote for her count once; the live ones are not the backfill's.
    expect(done.entriesWritten).toBe((await db.ledgerEntry.count({ where: { shop: SHOP } })) - 2);
    const ana = await db.member.findUniqueOrThrow({
      where: { shop_customerId: { shop: SHOP, customerId: ids.ana } },
    });
    expect([ana.availablePoints, ana.pendingPoints, ana.ordersEarned, ana.lifetimePoints]).toEqual([
      100, 0, 3, 100,
    ]);
  });

  it("replaying history twice adds nothing and leaves balances as they were", async () => {
    const first = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    await runBackfill(first.run.id, deps());
    const entries = await db.ledgerEntry.count({ where: { shop: SHOP } });
    const members = await db.member.findMany({ where: { shop: SHOP }, orderBy: { customerId: "asc" } });

    const second = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    expect(second.created).toBe(true);
    const done = await runBackfill(second.run.id, deps());
    expect(done).toMatchObject({
      status: "completed",
      entriesWritten: 0,
      membersEnrolled: 0,
      customersCredited: 3,
    });
    expect(await db.ledgerEntry.count({ where: { shop: SHOP } })).toBe(entries);
    const after = await db.member.findMany({ where: { shop: SHOP }, orderBy: { customerId: "asc" } });
    expect(after.map((m) => [m.availablePoints, m.pendingPoints, m.lifetimePoints, m.ordersEarned])).toEqual(
      members.map((m) => [m.availablePoints, m.pendingPoints, m.lifetimePoints, m.ordersEarned]),
    );
    expect(await db.order.count({ where: { shop: SHOP } })).toBe(7);
  });

  it("credits the rest of a batch when one of its keys is already in the ledger (an order that moved customer)", async () => {
    // Ana's first order once belonged to Cara, who was credited for it: its earn key exists.
    const state = emulator.store.requireShop(SHOP);
    const anaFirst = [...state.orders.values()]
      .filter((o) => o.customerId?.endsWith(`/${ids.ana}`))
      .sort((a, b) => a.legacyId - b.legacyId)[0]!;
    await db.member.create({ data: { shop: SHOP, customerId: ids.cara, status: "active", enrolledAt: NOW } });
    await db.ledgerEntry.create({
      data: {
        shop: SHOP,
        customerId: ids.cara,
        key: `${SHOP}:order:${anaFirst.legacyId}:earn`,
        kind: "earn",
        points: 45,
        bucket: "available",
        occurredAt: new Date("2025-01-02T10:00:00Z"),
        programVersion: 1,
        orderId: BigInt(anaFirst.legacyId),
      },
    });

    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    const done = await runBackfill(run.id, deps());
    expect(done.status).toBe("completed");
    const keys = (await ledger(ids.ana)).map((e) => e.key);
    expect(keys).not.toContain(`${SHOP}:order:${anaFirst.legacyId}:earn`);
    expect(keys).toContain(`${SHOP}:customer:${ids.ana}:bonus:first-order`);
    expect(keys).toHaveLength(4);
    expect(await db.ledgerEntry.count({ where: { shop: SHOP, customerId: ids.ben } })).toBeGreaterThan(0);
    expect(done.entriesWritten).toBe(
      (await db.ledgerEntry.count({ where: { shop: SHOP } })) - 1, // Cara's entry predates the run
    );
  });

  it("by default enrolls members with a zero balance and writes no ledger entries", async () => {
    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: false, trigger: "install" });
    const done = await runBackfill(run.id, deps());
    expect(done).toMatchObject({ status: "completed", membersEnrolled: 3, entriesWritten: 0 });
    expect(await db.ledgerEntry.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.member.count({ where: { shop: SHOP, availablePoints: 0, status: "active" } })).toBe(3);
  });

  it("resumes after the download dies mid-file: same rows, counts and line items, no duplicates", async () => {
    addCaraOrders();
    let cut = true;
    const dying: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = String(input);
      if (!cut || !url.includes("/bulk-operation-results/")) return response;
      const text = await response.text();
      if (!text.includes("gid://shopify/Order/")) return new Response(text);
      cut = false;
      return halfThenHangUp(text.slice(0, Math.floor(text.length / 2)));
    };
    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    await expect(runBackfill(run.id, deps({ fetch: dying, loadBatchRoots: 5 }))).rejects.toThrow(
      /socket hang up/,
    );
    const crashed = await db.backfillRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(crashed).toMatchObject({ phase: "load", resource: "orders" });
    expect(Number(crashed.linesLoaded)).toBeGreaterThan(0);
    expect(crashed.ordersLoaded).toBeLessThan(47);

    const done = await runBackfill(run.id, deps({ loadBatchRoots: 5 }));
    expect(done).toMatchObject({ status: "completed", ordersLoaded: 47, lineItemsLoaded: 88, attempts: 2 });
    const orders = await db.order.findMany({ where: { shop: SHOP } });
    expect(orders).toHaveLength(47);
    const lines = orders.flatMap((o) => parseMirrorLineItems(o.lineItems).map((l) => l.id));
    expect(lines).toHaveLength(88);
    expect(new Set(lines).size).toBe(88);
    expect(await db.ledgerEntry.count({ where: { shop: SHOP, customerId: ids.cara, kind: "earn" } })).toBe(
      40,
    );
  });

  it("exports a large shop's orders in slices, each started while the one before loads, and resumes mid-slice", async () => {
    addCaraOrders();
    // The second orders file dies halfway.
    let orderFiles = 0;
    const dying: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes("/bulk-operation-results/")) return response;
      const text = await response.text();
      if (!text.includes("gid://shopify/Order/") || ++orderFiles !== 2) return new Response(text);
      return halfThenHangUp(text.slice(0, text.indexOf("\n", Math.floor(text.length / 2)) + 1));
    };
    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: true, trigger: "merchant" });
    const sliced = { ordersPerSlice: 10, loadBatchRoots: 3 };
    await expect(runBackfill(run.id, deps({ ...sliced, fetch: dying }))).rejects.toThrow(/socket hang up/);
    const crashed = await db.backfillRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(crashed).toMatchObject({ phase: "load", resource: "orders", slice: 1 });
    expect(crashed.orderSlices.length).toBe(3); // 46 orders by the customers' counts: four slices
    expect(crashed.nextBulkOperationId).not.toBeNull(); // slice 3 was exporting while slice 2 loaded
    expect(crashed.ordersLoaded).toBeLessThan(47);

    const done = await runBackfill(run.id, deps(sliced));
    expect(done).toMatchObject({ status: "completed", ordersLoaded: 47, lineItemsLoaded: 88, attempts: 2 });
    const orders = await db.order.findMany({ where: { shop: SHOP } });
    expect(orders).toHaveLength(47);
    const lines = orders.flatMap((o) => parseMirrorLineItems(o.lineItems).map((l) => l.id));
    expect(new Set(lines).size).toBe(88);
    expect(await db.ledgerEntry.count({ where: { shop: SHOP, customerId: ids.cara, kind: "earn" } })).toBe(
      40,
    );
  });

  it("stages children that arrive after their parent's batch and merges them once", async () => {
    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: false, trigger: "merchant" });
    await db.backfillRun.update({
      where: { id: run.id },
      data: { status: "running", phase: "load", resource: "orders" },
    });
    const order = (id: number) =>
      JSON.stringify({
        id: `gid://shopify/Order/${id}`,
        name: `#${id}`,
        createdAt: "2025-01-01T00:00:00Z",
        updatedAt: "2025-01-01T00:00:00Z",
        displayFinancialStatus: "PAID",
        subtotalPriceSet: { shopMoney: { amount: "10.0", currencyCode: "USD" } },
      });
    const item = (id: number, parent: number) =>
      JSON.stringify({
        id: `gid://shopify/LineItem/${id}`,
        title: "Tea",
        quantity: 1,
        originalUnitPriceSet: { shopMoney: { amount: "10.0", currencyCode: "USD" } },
        __parentId: `gid://shopify/Order/${parent}`,
      });
    // Ungrouped output: 901's child comes after 902 started a new batch.
    const lines = [order(901), order(902), item(1, 902), item(2, 901)];
    async function* batches() {
      yield lines;
    }
    const counts = await loadJsonl(
      backfillPool(),
      { runId: run.id, shop: SHOP, shopCurrency: "USD", resource: "orders", linesLoaded: 0 },
      batches(),
      { batchRoots: 1 },
    );
    expect(counts).toMatchObject({ lines: 4, orders: 2, lineItems: 2 });
    expect(await db.backfillChild.count({ where: { runId: run.id } })).toBe(1);
    const done = await runBackfill(run.id, deps());
    expect(done.phase).toBe("done");
    const stored = await db.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 901n } } });
    expect(parseMirrorLineItems(stored.lineItems).map((l) => l.id)).toEqual(["2"]);
    expect(await db.backfillChild.count({ where: { runId: run.id } })).toBe(0);
  });

  it("loads text with quotes, backslashes, tabs and line breaks intact (COPY escaping)", async () => {
    const { run } = await createBackfillRun(db, SHOP, { historyEarnsPoints: false, trigger: "merchant" });
    await db.backfillRun.update({
      where: { id: run.id },
      data: { status: "running", phase: "load", resource: "customers" },
    });
    const odd = 'say "hi",\\ back\tslash\nnext {x}';
    const lines = [
      JSON.stringify({
        id: "gid://shopify/Customer/77",
        email: "odd@example.com",
        firstName: odd,
        lastName: "\\N",
        tags: [odd, "NULL", "", "plain"],
        updatedAt: "2025-01-01T00:00:00Z",
      }),
      JSON.stringify({
        id: "gid://shopify/Order/78",
        name: odd,
        tags: ['a"b', "c\\d"],
        discountCodes: ["TEN,OFF"],
        createdAt: "2025-01-01T00:00:00Z",
        updatedAt: "2025-01-01T00:00:00Z",
        displayFinancialStatus: "PAID",
        customer: { id: "gid://shopify/Customer/77" },
      }),
      JSON.stringify({
        id: "gid://shopify/LineItem/79",
        title: odd,
        quantity: 1,
        originalUnitPriceSet: { shopMoney: { amount: "10.0", currencyCode: "USD" } },
        __parentId: "gid://shopify/Order/78",
      }),
    ];
    async function* batches() {
      yield lines;
    }
    const target = { runId: run.id, shop: SHOP, shopCurrency: "USD", linesLoaded: 0 };
    await loadJsonl(backfillPool(), { ...target, resource: "customers" }, batches());
    await db.backfillRun.update({ where: { id: run.id }, data: { resource: "orders", linesLoaded: 0 } });
    await loadJsonl(backfillPool(), { ...target, resource: "orders" }, batches());
    const customer = await db.customer.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 77n } } });
    expect([customer.firstName, customer.lastName, customer.tags]).toEqual([
      odd,
      "\\N",
      [odd, "NULL", "", "plain"],
    ]);
    const order = await db.order.findUniqueOrThrow({ where: { shop_id: { shop: SHOP, id: 78n } } });
    expect([order.name, order.tags, order.discountCodes, order.customerId]).toEqual([
      odd,
      ['a"b', "c\\d"],
      ["TEN,OFF"],
      77n,
    ]);
    expect(parseMirrorLineItems(order.lineItems).map((l) => l.title)).toEqual([odd]);
  });
});

describe("earningOrderForReplay", () => {
  const facts = new Map([["5", { tags: ["tea"], collectionIds: ["9"] }]]);
  const order = (lineItems: unknown) => ({
    id: 1n,
    currencyCode: "USD",
    lineItems,
    totalShippingMinor: 400n,
    totalTaxMinor: 90n,
    shopifyCreatedAt: new Date("2025-01-01T00:00:00Z"),
    processedAt: null,
  });
  const full = {
    id: "11",
    productId: "5",
    variantId: null,
    sku: "S",
    title: "Tea",
    variantTitle: null,
    vendor: null,
    quantity: 2,
    priceMinor: 1250,
    discountMinor: 250,
    giftCard: false,
  };

  it("builds what earningOrderFromMirror builds, defaults included", () => {
    const lines = [
      full,
      {
        id: "12",
        productId: null,
        variantId: "7",
        title: "Card",
        quantity: 1,
        priceMinor: 500,
        giftCard: true,
      },
      { id: "13", productId: "404", variantId: null, title: "Gone", quantity: 1, priceMinor: 300 },
    ];
    expect(earningOrderForReplay(order(lines), facts)).toEqual(earningOrderFromMirror(order(lines), facts));
  });

  it("leaves anything off the mirror shape to earningOrderFromMirror (and its errors)", () => {
    expect(() => earningOrderForReplay(order([{ ...full, quantity: 1.5 }]), facts)).toThrow();
    expect(() => earningOrderForReplay(order([{ ...full, title: undefined }]), facts)).toThrow();
    expect(() => earningOrderForReplay(order("nope"), facts)).toThrow();
    expect(earningOrderForReplay(order([]), facts).lines).toEqual([]);
  });
});
