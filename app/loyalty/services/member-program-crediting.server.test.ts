import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createBackfillRun, runBackfill } from "~/backfill/run.server";
import { closeBackfillPools } from "~/backfill/sql.server";
import { batchPool, closeBatchPools, processOrderBatch } from "~/ingest/batch.server";
import type { ProgramInput } from "~/loyalty/program";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";
import { createWorld, NOW } from "~tests/support/test-world.server";
import { emulatorGraphql, seedProgram } from "~tests/support/loyalty-world.server";
import type { Emulator } from "../../../emulator/server";
import { installApp, startTestEmulator } from "../../../emulator/testing";
import type { OrderInput } from "../../../emulator/resources/inputs";
import type { CustomerRecord } from "../../../emulator/resources/records";
import { toLedgerEntry } from "./ledger.server";
import { currentProgramVersion } from "./program.server";

// The three crediting paths (ADR 0011) resolve each member's program through the one
// resolution, as every other surface does (member-program.server.test.ts). A running
// experiment is stood in for at the assignment seam: one customer is in a variant that
// doubles the earn rate, a twin is in none. Identical orders for both go through the
// per-order path, the webhook batch and the backfill replay; on each, the variant
// customer's earn entry must hold twice the twin's points and name the variant, the
// twin's must name none, and both must record the live program version.

const { VARIANT, CONTROL, KEY, assignment } = vi.hoisted(() => {
  const VARIANT = 9101n;
  const CONTROL = 9102n;
  const KEY = "exp1:double-earn";
  const override = { variantKey: KEY, patch: { earning: { pointsPerCurrencyUnit: 2 } } };
  return {
    VARIANT,
    CONTROL,
    KEY,
    assignment: {
      overridesFor: (customerId: bigint) => (customerId === VARIANT ? [override] : []),
      heldOut: () => false,
      combinations: [[override]],
    },
  };
});

// The backfill asks for the assignment over time: the variant throughout.
vi.mock("./assignment.server", () => ({
  loadAssignment: async () => assignment,
  loadAssignmentHistory: async () => ({ changes: [], at: () => assignment, holdoutAt: () => null }),
}));

const WEBHOOK_SHOP = "crediting-webhooks.myshopify.com";
const BACKFILL_SHOP = "crediting-backfill.myshopify.com";
const w = createWorld(WEBHOOK_SHOP);
const { db } = w;

const LIVE: Partial<ProgramInput> = {
  earning: { pointsPerCurrencyUnit: 1, bonuses: { signup: 0, birthday: 0, firstOrder: 0 } },
};
/** The same order for each twin: $50 of goods, 50 points under the live program. */
const order = (customerId: number, at: string): OrderInput => ({
  customerId,
  financialStatus: "PAID",
  createdAt: at,
  updatedAt: at,
  lineItems: [{ title: "Tea", quantity: 2, unitPrice: "25.00" }],
});

let emulator: Emulator;
let graphql: ReturnType<typeof emulatorGraphql>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: BACKFILL_SHOP });
  graphql = emulatorGraphql(emulator, await installApp(emulator, BACKFILL_SHOP));
});
afterAll(async () => {
  await emulator.close();
  await closeBatchPools();
  await closeBackfillPools();
});

beforeEach(async () => {
  await resetDatabase(db);
  w.store.resetShop(WEBHOOK_SHOP);
  emulator.store.resetShop(BACKFILL_SHOP);
});

/** The twins in the webhook shop, enrolled by their customers/create deliveries (per row). */
async function webhookTwins(): Promise<[CustomerRecord, CustomerRecord]> {
  await w.setup(LIVE);
  const [variant, control] = w.store.addCustomers(WEBHOOK_SHOP, [
    { id: Number(VARIANT), email: "variant@example.com" },
    { id: Number(CONTROL), email: "control@example.com" },
  ]);
  for (const c of [variant!, control!])
    expect(await w.deliver({ ...w.customer(c), topic: "customers/create" })).toBe("processed");
  return [variant!, control!];
}

/** The orders/paid deliveries of one identical order for each twin. */
function paidOrders(variant: CustomerRecord, control: CustomerRecord) {
  const at = "2025-10-02T12:00:00Z";
  const [v, c] = w.store.addOrders(WEBHOOK_SHOP, [order(variant.legacyId, at), order(control.legacyId, at)]);
  return [
    w.order("orders/paid", v!, {}, { customer: variant }),
    w.order("orders/paid", c!, {}, { customer: control }),
  ];
}

async function expectCreditedUnderTheResolution(shop: string) {
  const { version } = await currentProgramVersion(db, shop);
  const earn = (customerId: bigint) =>
    db.ledgerEntry.findFirstOrThrow({ where: { shop, customerId, kind: "earn", orderId: { not: null } } });
  const variant = await earn(VARIANT);
  const control = await earn(CONTROL);
  expect(control.points).toBe(50);
  expect(variant.points).toBe(2 * control.points);
  expect(toLedgerEntry(variant)).toMatchObject({ programVersion: version, experimentVariants: [KEY] });
  expect(toLedgerEntry(control)).toMatchObject({ programVersion: version, experimentVariants: [] });
  // No variant is stored as NULL, not as an empty array.
  const stored = await db.$queryRaw<{ customerId: bigint; experimentVariants: string[] | null }[]>`
    SELECT "customerId", "experimentVariants" FROM "LedgerEntry"
    WHERE "shop" = ${shop} AND "kind" = 'earn' ORDER BY "customerId"`;
  expect(stored).toEqual([
    { customerId: VARIANT, experimentVariants: [KEY] },
    { customerId: CONTROL, experimentVariants: null },
  ]);
}

describe("one program resolution on every crediting path", () => {
  it("the per-order path (a webhook delivery processed on its own) credits each twin under its own program", async () => {
    const [variant, control] = await webhookTwins();
    for (const delivery of paidOrders(variant, control)) expect(await w.deliver(delivery)).toBe("processed");
    await expectCreditedUnderTheResolution(WEBHOOK_SHOP);
  });

  it("the webhook batch credits each twin under its own program", async () => {
    const [variant, control] = await webhookTwins();
    const ids: string[] = [];
    for (const [i, delivery] of paidOrders(variant, control).entries()) {
      const id = await recordDelivery(db, { shop: WEBHOOK_SHOP, ...delivery });
      await db.webhookEvent.update({ where: { id }, data: { receivedAt: new Date(NOW.getTime() + i) } });
      ids.push(id);
    }
    const result = await processOrderBatch(batchPool(), WEBHOOK_SHOP, ids[0]!, NOW);
    // Both orders went set-based: none was left for the per-order path.
    expect([...result.processed].sort()).toEqual([...ids].sort());
    expect(result.deferred.size).toBe(0);
    await expectCreditedUnderTheResolution(WEBHOOK_SHOP);
  });

  it("the backfill replay credits each twin's history under its own program", async () => {
    await seedProgram(db, BACKFILL_SHOP, LIVE);
    emulator.store.addCustomers(BACKFILL_SHOP, [
      { id: Number(VARIANT), email: "variant@example.com" },
      { id: Number(CONTROL), email: "control@example.com" },
    ]);
    const at = "2025-06-02T10:00:00Z";
    emulator.store.addOrders(BACKFILL_SHOP, [order(Number(VARIANT), at), order(Number(CONTROL), at)]);
    const { run } = await createBackfillRun(db, BACKFILL_SHOP, {
      historyEarnsPoints: true,
      trigger: "merchant",
    });
    const done = await runBackfill(run.id, {
      db,
      graphql,
      now: () => NOW,
      poll: { intervalMs: 5, maxIntervalMs: 20 },
    });
    expect(done).toMatchObject({ status: "completed", ordersLoaded: 2, customersCredited: 2 });
    await expectCreditedUnderTheResolution(BACKFILL_SHOP);
  });
});
