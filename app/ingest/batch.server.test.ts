import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { databaseUrlOf } from "~/db.server";
import { rebuildMemberBalances } from "~/loyalty/services/ledger.server";
import { processWebhookEvent } from "~/webhooks/process.server";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";
import { processWebhookJob } from "~/webhooks/batch-dispatch.server";
import { batchPool, closeBatchPools, processOrderBatch, shopBatchLockKey } from "./batch.server";
import { createWorld, NOW, type Delivery } from "~tests/support/test-world.server";
import { emailLockKey } from "./mirror.server";

// The batch path (batch.server.ts) must leave exactly the state the per-row path leaves
// for the same deliveries: the same deliveries go into two shops, one processed row by
// row, the other by a batch (and the per-row path for the rows the batch leaves), and
// every mirror, member, ledger and event row is compared.

const PER_ROW = "per-row.myshopify.com";
const BATCHED = "batched.myshopify.com";
const w = createWorld(PER_ROW);
const { db } = w;

const PROGRAM = {
  earning: { bonuses: { firstOrder: 25, signup: 10 } },
  tiers: {
    basis: "spend" as const,
    window: "lifetime" as const,
    downgradeGraceDays: 30,
    levels: [{ id: "silver", name: "Silver", threshold: 5000, benefits: { earnMultiplier: 2 } }],
  },
};
const t = (minutes: number) => new Date(Date.parse("2025-10-01T12:00:00Z") + minutes * 60_000).toISOString();

async function setupShop(shop: string) {
  await db.shop.create({ data: { domain: shop, email: `owner@${shop}`, currencyCode: "USD" } });
  const { currentProgramVersion, saveProgram } = await import("~/loyalty/services/program.server");
  const { version } = await currentProgramVersion(db, shop);
  await saveProgram(db, shop, { currency: "USD", ...PROGRAM }, { basedOn: version });
}

/** Records the deliveries in the shop's inbox, received 1 ms apart in the given order. */
async function record(shop: string, deliveries: Delivery[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, d] of deliveries.entries()) {
    const id = await recordDelivery(db, { shop, ...d });
    await db.webhookEvent.update({ where: { id }, data: { receivedAt: new Date(NOW.getTime() + i) } });
    ids.push(id);
  }
  return ids;
}

function scenario() {
  const [ana, ben, cy, dee] = w.store.addCustomers(PER_ROW, [
    { email: "ana@example.com", firstName: "Ana", updatedAt: t(-600) },
    { email: "ben@example.com", firstName: "Ben", updatedAt: t(-600) },
    { email: "cy@example.com", firstName: "Cy", updatedAt: t(-600) },
    { email: "dee@example.com", firstName: "Dee", updatedAt: t(-600) },
  ]);
  const line = (unitPrice: string, quantity = 1) => ({ title: "Item", quantity, unitPrice });
  const orders = w.store.addOrders(PER_ROW, [
    // Ana's first order lifts her to Silver (5000 minor); her second earns double.
    {
      customerId: ana!.id,
      financialStatus: "PAID",
      createdAt: t(0),
      updatedAt: t(1),
      lineItems: [line("60")],
    },
    {
      customerId: ana!.id,
      financialStatus: "PAID",
      createdAt: t(10),
      updatedAt: t(11),
      lineItems: [line("20", 2)],
    },
    {
      customerId: ben!.id,
      financialStatus: "PAID",
      createdAt: t(20),
      updatedAt: t(22),
      lineItems: [line("15")],
    },
    {
      customerId: cy!.id,
      financialStatus: "PAID",
      createdAt: t(30),
      updatedAt: t(31),
      lineItems: [line("10"), line("30")],
    },
    {
      customerId: dee!.id,
      financialStatus: "PARTIALLY_REFUNDED",
      createdAt: t(40),
      updatedAt: t(45),
      lineItems: [line("25"), line("5")],
    },
    // A guest checkout carrying Dee's email, and a buyer the mirror has never seen.
    {
      customerId: null,
      email: "dee@example.com",
      financialStatus: "PAID",
      createdAt: t(50),
      updatedAt: t(51),
      lineItems: [line("12")],
    },
    {
      customerId: null,
      email: "pending@example.com",
      financialStatus: "PENDING",
      createdAt: t(55),
      updatedAt: t(56),
      lineItems: [line("8")],
    },
  ]);
  const [a1, a2, b1, c1, d1, guest, pending] = orders as [(typeof orders)[0], ...typeof orders];
  const [newcomer] = w.store.addCustomers(PER_ROW, [{ email: "new@example.com", updatedAt: t(-1) }]);
  const n1 = w.store.addOrders(PER_ROW, [
    {
      customerId: newcomer!.id,
      financialStatus: "PAID",
      createdAt: t(60),
      updatedAt: t(61),
      lineItems: [line("9")],
    },
  ])[0]!;

  const setup: Delivery[] = [ana, ben, cy, dee].map((c) => ({
    ...w.customer(c!),
    topic: "customers/create",
  }));
  const batch: Delivery[] = [
    w.order("orders/paid", a1!, {}, { customer: ana }),
    w.order("orders/paid", a2!, {}, { customer: ana }),
    w.order("orders/create", b1!, { financialStatus: "PENDING", updatedAt: t(21) }, { customer: ben }),
    w.order("orders/paid", b1!, {}, { customer: ben }), // the same order again in the batch
    w.order("orders/paid", a1!, {}, { customer: ana }), // an exact duplicate
    w.order("orders/paid", c1!, {}, { customer: cy }),
    w.refund(c1!, {
      id: 9001,
      createdAt: t(35),
      lines: [{ lineItemId: c1!.lineItems[1]!.legacyId, quantity: 1 }],
    }),
    w.order(
      "orders/updated",
      d1!,
      {},
      {
        customer: dee,
        refunds: [
          { id: 9002, createdAt: t(44), lines: [{ lineItemId: d1!.lineItems[1]!.legacyId, quantity: 1 }] },
        ],
      },
    ),
    w.order("orders/paid", guest!, {}, { customer: null }),
    w.order("orders/create", pending!, {}, { customer: null }),
    w.order("orders/paid", n1, {}, { customer: newcomer }),
  ];
  // A second round: members whose earlier orders the first batch (or the per-row path) wrote.
  const [a3, b2, d2] = w.store.addOrders(PER_ROW, [
    {
      customerId: ana!.id,
      financialStatus: "PAID",
      createdAt: t(70),
      updatedAt: t(71),
      lineItems: [line("7")],
    },
    {
      customerId: ben!.id,
      financialStatus: "PAID",
      createdAt: t(72),
      updatedAt: t(73),
      lineItems: [line("44")],
    },
    {
      customerId: dee!.id,
      financialStatus: "PAID",
      createdAt: t(74),
      updatedAt: t(75),
      lineItems: [line("30")],
    },
  ]);
  const round2: Delivery[] = [
    w.order("orders/paid", a3!, {}, { customer: ana }),
    w.order("orders/paid", b2!, {}, { customer: ben }),
    w.order("orders/paid", d2!, {}, { customer: dee }),
  ];
  return { setup, batch, round2 };
}

async function snapshot(shop: string) {
  const norm = (v: unknown) =>
    JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x)).replaceAll(shop, "SHOP"));
  const omit = <T extends object>(row: T, keys: string[]) =>
    Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));
  const [orders, refunds, customers, members, ledger, events, inbox] = await Promise.all([
    db.order.findMany({ where: { shop }, orderBy: { id: "asc" } }),
    db.refund.findMany({ where: { shop }, orderBy: { id: "asc" } }),
    db.customer.findMany({ where: { shop }, orderBy: { id: "asc" } }),
    db.member.findMany({ where: { shop }, orderBy: { customerId: "asc" } }),
    db.ledgerEntry.findMany({ where: { shop }, orderBy: { key: "asc" } }),
    db.loyaltyEvent.findMany({ where: { shop }, orderBy: { key: "asc" } }),
    db.webhookEvent.groupBy({ by: ["status", "attempts"], where: { shop }, _count: true }),
  ]);
  return norm({
    orders: orders.map((r) => omit(r, ["syncedAt"])),
    refunds: refunds.map((r) => omit(r, ["syncedAt"])),
    customers: customers.map((r) => omit(r, ["syncedAt"])),
    members: members.map((r) => omit(r, ["createdAt", "updatedAt"])),
    ledger: ledger.map((r) => omit(r, ["id", "createdAt"])),
    events: events.map((r) => omit(r, ["id", "createdAt"])),
    inbox,
  });
}

beforeEach(async () => {
  await resetDatabase(db);
  w.store.resetShop(PER_ROW);
  await setupShop(PER_ROW);
  await setupShop(BATCHED);
});

afterAll(async () => {
  await closeBatchPools();
});

describe("order batch", () => {
  it("leaves the same mirror, members, ledger and events as the per-row path", async () => {
    const scenario2 = scenario();
    const { setup, batch } = scenario2;
    const now = () => NOW;
    for (const shop of [PER_ROW, BATCHED])
      for (const id of await record(shop, setup)) await processWebhookEvent(db, id, { now });

    const batched = await record(BATCHED, batch);
    const perRow = await record(PER_ROW, batch);
    const result = await processOrderBatch(batchPool(), BATCHED, batched[0]!, NOW);
    // The plain orders went set-based, and the exact duplicate of Ana's first (an echo) with
    // them; a changed second delivery, refunds, guests and newcomers were left.
    const fast = [0, 1, 2, 5, 4];
    expect([...result.processed].sort()).toEqual(fast.map((i) => batched[i]!).sort());
    expect([...result.deferred].sort()).toEqual([3, 7, 8, 9, 10].map((i) => batched[i]!).sort());
    // The rest, one by one in delivery order (the refund's topic is never batched).
    for (const [i, id] of batched.entries())
      if (!fast.includes(i)) expect(await processWebhookEvent(db, id, { now })).toBe("processed");

    // The per-row shop applies the same deliveries in the order the batch shop did.
    const order = [...fast, ...[...batch.keys()].filter((i) => !fast.includes(i))];
    for (const i of order) await processWebhookEvent(db, perRow[i]!, { now });

    // A second batch reads the tier history the first one and the per-row path left.
    const { round2 } = scenario2;
    const batched2 = await record(BATCHED, round2);
    const perRow2 = await record(PER_ROW, round2);
    const second = await processOrderBatch(batchPool(), BATCHED, batched2[0]!, NOW);
    expect(second.processed.size).toBe(3);
    for (const id of perRow2) await processWebhookEvent(db, id, { now });

    const expected = await snapshot(PER_ROW);
    expect(await snapshot(BATCHED)).toEqual(expected);
    // The scenario did what it claims: Ana reached Silver and her second order earned double.
    const ana = (expected as { members: { tierId: string | null; ordersEarned: number }[] }).members;
    expect(ana.some((m) => m.tierId === "silver" && m.ordersEarned === 2)).toBe(true);
    const ledger = (expected as { ledger: { key: string; points: number }[] }).ledger;
    expect(ledger.find((e) => /order:\d+:earn$/.test(e.key) && e.points === 80)).toBeDefined();
    expect(ledger.some((e) => e.key.includes(":refund:"))).toBe(true);
  });

  it("marks a delivery repeating a credited order processed with no write, and leaves a changed one", async () => {
    const { setup, round2 } = scenario();
    const now = () => NOW;
    for (const shop of [PER_ROW, BATCHED])
      for (const id of await record(shop, setup)) await processWebhookEvent(db, id, { now });
    // Ana's order arrives as orders/create, is credited by a batch, then orders/paid repeats it.
    const [created] = await record(BATCHED, [round2[0]!]);
    expect((await processOrderBatch(batchPool(), BATCHED, created!, NOW)).processed.has(created!)).toBe(true);
    const before = await snapshot(BATCHED);
    const paid = { ...round2[0]!, topic: "orders/paid" };
    // The same order with its keys in another order (Shopify's topics serialise alike, but need not).
    const reordered = {
      ...paid,
      payload: Object.fromEntries(Object.entries(paid.payload as object).reverse()),
    };
    const echoes = await record(BATCHED, [paid, reordered]);
    const echo = await processOrderBatch(batchPool(), BATCHED, echoes[0]!, new Date(NOW.getTime() + 60_000));
    expect([...echo.processed].sort()).toEqual([...echoes].sort());
    const after = await snapshot(BATCHED);
    type Snap = { inbox: unknown; orders: unknown; ledger: unknown; members: unknown; events: unknown };
    const { inbox: _i, ...rest } = after as Snap;
    const { inbox: _j, ...restBefore } = before as Snap;
    expect(rest).toEqual(restBefore);

    // An update that changes the order (a new total) is no echo: the per-row path corrects it.
    const payload = round2[0]!.payload as { total_price: string; subtotal_price: string; updated_at: string };
    const changed = {
      ...round2[0]!,
      topic: "orders/updated",
      payload: { ...payload, total_price: "70.00", subtotal_price: "70.00", updated_at: t(90) },
    };
    const [update] = await record(BATCHED, [changed]);
    const third = await processOrderBatch(batchPool(), BATCHED, update!, NOW);
    expect([...third.deferred]).toEqual([update]);
    expect(third.processed.size).toBe(0);
  });

  it("processes every job's row exactly once through the worker's entry point, replays included", async () => {
    const { setup, batch } = scenario();
    const now = () => NOW;
    for (const shop of [PER_ROW, BATCHED])
      for (const id of await record(shop, setup)) await processWebhookEvent(db, id, { now });
    const batched = await record(BATCHED, batch);
    const perRow = await record(PER_ROW, batch);

    // Jobs run concurrently, as the worker runs them, then all of them again (redelivery).
    const outcomes = await Promise.all(batched.map((id) => processWebhookJob(db, id, { now })));
    expect(outcomes.filter((o) => o === "processed").length).toBeGreaterThan(0);
    expect(outcomes.every((o) => o === "processed" || o === "already-processed")).toBe(true);
    const first = await snapshot(BATCHED);
    for (const id of batched) expect(await processWebhookJob(db, id, { now })).toBe("already-processed");
    expect(await snapshot(BATCHED)).toEqual(first);
    expect(await db.webhookEvent.count({ where: { shop: BATCHED, status: { not: "processed" } } })).toBe(0);

    // Members end with the same balances, tier and orders earned as after a per-row run, and
    // each order holds the same points. The entries may differ: the jobs ran in another order
    // than the deliveries, so where an order of Ana's placed earlier was credited after a
    // later one, the later one's earn was corrected to the tier it was placed in and the
    // first-order bonus moved (app/loyalty/placement.ts).
    for (const id of perRow) await processWebhookEvent(db, id, { now });
    type Snap = { members: Record<string, unknown>[]; ledger: { orderId: string | null; points: number }[] };
    const pick = (s: unknown) => ({
      members: (s as Snap).members.map((m) =>
        Object.fromEntries(
          Object.entries(m).filter(([k]) =>
            /ordersEarned|tierId|tierValue|availablePoints|pendingPoints|lifetimePoints/.test(k),
          ),
        ),
      ),
      byOrder: Object.entries(
        (s as Snap).ledger.reduce<Record<string, number>>((sums, e) => {
          const order = e.orderId ?? "none";
          sums[order] = (sums[order] ?? 0) + e.points;
          return sums;
        }, {}),
      ).sort(([a], [b]) => a.localeCompare(b)),
    });
    expect(pick(first)).toEqual(pick(await snapshot(PER_ROW)));
    // And whatever order they ran in, every cached balance is what the ledger says.
    const members = await db.member.findMany({ where: { shop: BATCHED }, select: { customerId: true } });
    for (const m of members)
      expect(await rebuildMemberBalances(db, BATCHED, m.customerId, { fix: false })).toEqual([]);
  });

  it("a batch that fails changes nothing, and only the failing row fails on its own", async () => {
    const { setup, batch } = scenario();
    const now = () => NOW;
    for (const id of await record(BATCHED, setup)) await processWebhookEvent(db, id, { now });
    const ids = await record(BATCHED, batch);
    const a2 = (batch[1]!.payload as { id: number }).id;
    const badKey = `${BATCHED}:order:${a2}:earn`;
    // The database refuses one order's earn entry, whichever path writes it.
    await db.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION batch_test_refuse() RETURNS trigger AS $$
      BEGIN
        IF NEW."key" = '${badKey}' THEN RAISE EXCEPTION 'refused by test'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await db.$executeRawUnsafe(
      `CREATE TRIGGER batch_test_refuse BEFORE INSERT ON "LedgerEntry" FOR EACH ROW EXECUTE FUNCTION batch_test_refuse()`,
    );
    try {
      await expect(processOrderBatch(batchPool(), BATCHED, ids[0]!, NOW)).rejects.toThrow(/refused by test/);
      expect(
        await db.webhookEvent.count({ where: { shop: BATCHED, status: "processed", id: { in: ids } } }),
      ).toBe(0);
      expect(await db.ledgerEntry.count({ where: { shop: BATCHED, orderId: { not: null } } })).toBe(0);

      const failed: string[] = [];
      for (const id of ids)
        await processWebhookJob(db, id, { now, finalAttempt: true }).catch(() => failed.push(id));
      expect(failed).toEqual([ids[1]]);
      const rows = await db.webhookEvent.findMany({ where: { id: { in: ids } } });
      for (const row of rows) expect(row.status).toBe(row.id === ids[1] ? "failed" : "processed");
      expect(await db.ledgerEntry.count({ where: { shop: BATCHED, key: badKey } })).toBe(0);
      expect(
        await db.ledgerEntry.count({
          where: { shop: BATCHED, key: `${BATCHED}:order:${(batch[0]!.payload as { id: number }).id}:earn` },
        }),
      ).toBe(1);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS batch_test_refuse ON "LedgerEntry"`);
      await db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS batch_test_refuse()`);
    }
  });
  it("a shop's batches in two worker processes run one after another, the later rows after the earlier", async () => {
    // Worker A's batch holds Ana's and Ben's first orders and waits for Ana's ingest lock
    // (another transaction holds it); worker B's batch holds Ben's second order. Had B gone
    // ahead, Ben's first order would be placed before his latest earn when A got there, and
    // A would leave it to the per-row path (a correction): the slow path of every row that
    // two workers' batches took out of turn.
    const [ana, ben] = w.store.addCustomers(PER_ROW, [
      { email: "ana@example.com", firstName: "Ana", updatedAt: t(-600) },
      { email: "ben@example.com", firstName: "Ben", updatedAt: t(-600) },
    ]);
    const line = { title: "Item", quantity: 1, unitPrice: "20" };
    const [a1, b1, b2] = w.store.addOrders(PER_ROW, [
      { customerId: ana!.id, financialStatus: "PAID", createdAt: t(0), updatedAt: t(1), lineItems: [line] },
      { customerId: ben!.id, financialStatus: "PAID", createdAt: t(2), updatedAt: t(3), lineItems: [line] },
      { customerId: ben!.id, financialStatus: "PAID", createdAt: t(4), updatedAt: t(5), lineItems: [line] },
    ]);
    const now = () => NOW;
    const setup = [ana, ben].map((c) => ({ ...w.customer(c!), topic: "customers/create" }));
    for (const id of await record(BATCHED, setup)) await processWebhookEvent(db, id, { now });
    const [rowA1, rowB1, rowB2] = await record(BATCHED, [
      w.order("orders/paid", a1!, {}, { customer: ana }),
      w.order("orders/paid", b1!, {}, { customer: ben }),
      w.order("orders/paid", b2!, {}, { customer: ben }),
    ]);

    const url = databaseUrlOf(db)!;
    const workerA = batchPool(url);
    const workerB = batchPool(`${url}${url.includes("?") ? "&" : "?"}application_name=worker-b`);
    const holder = await workerA.connect();
    const settled = (p: Promise<unknown>) => {
      let done = false;
      void p.then(
        () => (done = true),
        () => (done = true),
      );
      return () => done;
    };
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        emailLockKey(BATCHED, "ana@example.com"),
      ]);
      const first = processOrderBatch(workerA, BATCHED, rowA1!, NOW, { limit: 2 });
      await new Promise((r) => setTimeout(r, 300));
      const second = processOrderBatch(workerB, BATCHED, rowB2!, NOW, { limit: 1 });
      const secondDone = settled(second);
      // B waits for A (the shop's batch lock), not for Ben's email lock: it has claimed nothing yet.
      const waitingForBatch = async () =>
        Number(
          (
            await db.$queryRaw<{ n: bigint }[]>`
              SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
                AND objid = (hashtextextended(${shopBatchLockKey(BATCHED)}, 0) & 4294967295)::bigint::oid`
          )[0]!.n,
        );
      for (let i = 0; i < 100 && !secondDone() && (await waitingForBatch()) === 0; i += 1)
        await new Promise((r) => setTimeout(r, 50));
      expect(secondDone()).toBe(false);
      expect(await waitingForBatch()).toBe(1);
      await holder.query("COMMIT");
      const [a, b] = await Promise.all([first, second]);
      expect([...a.processed].sort()).toEqual([rowA1, rowB1].sort());
      expect([...a.deferred]).toEqual([]);
      expect([...b.processed]).toEqual([rowB2]);
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      holder.release();
    }
    expect(await db.ledgerEntry.count({ where: { shop: BATCHED, kind: "correction" } })).toBe(0);
    const members = await db.member.findMany({ where: { shop: BATCHED }, select: { customerId: true } });
    for (const m of members)
      expect(await rebuildMemberBalances(db, BATCHED, m.customerId, { fix: false })).toEqual([]);
  });

  it("a batch told not to wait for the shop's turn claims nothing while another batch has it", async () => {
    const [ana] = w.store.addCustomers(PER_ROW, [
      { email: "ana@example.com", firstName: "Ana", updatedAt: t(-600) },
    ]);
    const [a1] = w.store.addOrders(PER_ROW, [
      {
        customerId: ana!.id,
        financialStatus: "PAID",
        createdAt: t(0),
        updatedAt: t(1),
        lineItems: [{ title: "Item", quantity: 1, unitPrice: "20" }],
      },
    ]);
    const now = () => NOW;
    for (const id of await record(BATCHED, [{ ...w.customer(ana!), topic: "customers/create" }]))
      await processWebhookEvent(db, id, { now });
    const [row] = await record(BATCHED, [w.order("orders/paid", a1!, {}, { customer: ana })]);
    const pool = batchPool(databaseUrlOf(db)!);
    const holder = await pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        shopBatchLockKey(BATCHED),
      ]);
      const busy = await processOrderBatch(pool, BATCHED, row!, NOW, { turn: "try" });
      expect(busy).toEqual({ processed: new Set(), deferred: new Set(), newest: null, busy: true });
      expect((await db.webhookEvent.findUniqueOrThrow({ where: { id: row! } })).status).toBe("received");
      await holder.query("COMMIT");
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      holder.release();
    }
    const done = await processOrderBatch(pool, BATCHED, row!, NOW, { turn: "try" });
    expect(done.busy).toBeUndefined();
    expect([...done.processed]).toEqual([row]);
  });
});
