import { beforeEach, describe, expect, it } from "vitest";
import { createWorld, NOW } from "~tests/support/test-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { lockMember } from "./ledger.server";
import { currentProgram } from "./program.server";
import { refreshTier } from "./tiers.server";

const SHOP = "tiers-test.myshopify.com";
const w = createWorld(SHOP);
const { db } = w;
const DAY = 86_400_000;

const tiers = (basis: "spend" | "points") => ({
  basis,
  window: "lifetime" as const,
  downgradeGraceDays: 30,
  levels: [
    {
      id: "silver",
      name: "Silver",
      threshold: basis === "spend" ? 5000 : 50,
      benefits: { earnMultiplier: 2 },
    },
    { id: "gold", name: "Gold", threshold: basis === "spend" ? 20000 : 200 },
  ],
});

beforeEach(async () => {
  await resetDatabase(db);
  w.store.resetShop(SHOP);
});

function buy(customerId: string, dollars: number, createdAt: string) {
  const [order] = w.store.addOrders(SHOP, [
    {
      customerId,
      financialStatus: "PAID",
      createdAt,
      lineItems: [{ title: "Lamp", quantity: 1, unitPrice: String(dollars) }],
    },
  ]);
  return order!;
}

describe("refreshTier", () => {
  it("upgrades on spend at once, earns the tier multiplier after, and downgrades only after the grace period", async () => {
    await w.setup({ tiers: tiers("spend") });
    const [ana] = w.store.addCustomers(SHOP, [{ email: "tiers@example.com" }]);
    const first = buy(ana!.id, 60, "2025-10-01T10:00:00Z");
    await w.deliver(w.order("orders/paid", first, {}, { customer: ana! }));
    expect(await w.member(ana!.legacyId)).toMatchObject({
      tierId: "silver",
      tierValue: 6000n,
      nextTierId: "gold",
      tierRemaining: 14000n,
      pendingPoints: 60,
      metafieldsDirty: true,
    });

    const second = buy(ana!.id, 30, "2025-10-02T10:00:00Z");
    await w.deliver(w.order("orders/paid", second, {}, { customer: ana! }));
    expect((await w.member(ana!.legacyId)).pendingPoints).toBe(60 + 60); // 30 × silver's 2×

    await w.deliver(
      w.refund(first, {
        id: 1,
        createdAt: "2025-10-03T00:00:00Z",
        lines: [{ lineItemId: first.lineItems[0]!.legacyId, quantity: 1 }],
      }),
    );
    expect(await w.member(ana!.legacyId)).toMatchObject({
      tierId: "silver",
      tierValue: 3000n,
      // The grace runs from the refund, not from when it was processed (issue 11 #4).
      tierBelowSince: new Date("2025-10-03T00:00:00Z"),
    });

    const later = new Date(NOW.getTime() + 31 * DAY);
    const member = await db.$transaction(async (tx) => {
      const locked = await lockMember(tx, SHOP, BigInt(ana!.legacyId));
      return refreshTier(tx, locked!, await currentProgram(tx, SHOP), later);
    });
    expect(member).toMatchObject({
      tierId: null,
      tierBelowSince: null,
      nextTierId: "silver",
      tierRemaining: 2000n,
    });
    const changes = await db.loyaltyEvent.findMany({
      where: { shop: SHOP, type: "tierChanged" },
      orderBy: { id: "asc" },
    });
    expect(changes.map((e) => e.payload)).toEqual([
      expect.objectContaining({ from: null, to: "silver", change: "upgrade" }),
      expect.objectContaining({ from: "silver", to: null, change: "downgrade" }),
    ]);
  });

  it("on a points basis counts lifetime points net of reversals from the ledger", async () => {
    await w.setup({ tiers: tiers("points"), earning: { bonuses: { signup: 15 } } });
    const [ana] = w.store.addCustomers(SHOP, [{ email: "points@example.com" }]);
    await w.deliver({ ...w.customer(ana!), topic: "customers/create" });
    const order = buy(ana!.id, 40, "2025-10-01T10:00:00Z");
    await w.deliver(w.order("orders/paid", order, {}, { customer: ana! }));
    expect(await w.member(ana!.legacyId)).toMatchObject({
      lifetimePoints: 55,
      tierId: "silver",
      tierValue: 55n,
    });
  });
});
