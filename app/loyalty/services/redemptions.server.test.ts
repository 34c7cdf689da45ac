import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { discountsOf } from "../../../emulator/graphql/discounts";
import { planFaults } from "../../../emulator/graphql/faults";
import type { Emulator } from "../../../emulator/server";
import { installApp, startTestEmulator } from "../../../emulator/testing";
import { rebuildMemberBalances } from "./ledger.server";
import type { ProgramInput } from "../program";
import {
  EXPIRY_GRACE_MS,
  expireRedemptions,
  markRedemptionsUsed,
  PENDING_RECOVERY_AFTER_MS,
  recoverPendingRedemptions,
} from "./redemptions-lifecycle.server";
import { redeemReward, RedemptionError, type RedeemInput, type RedemptionDeps } from "./redemptions.server";
import { emulatorGraphql, seedMember, seedProgram } from "~tests/support/loyalty-world.server";

const db = prisma();
const SHOP = "redemptions-test.myshopify.com";
const CUSTOMER = 7001n;
const NOW = new Date("2025-06-10T12:00:00Z");
const DAY = 86_400_000;

const REWARDS: ProgramInput["rewards"] = [
  {
    id: "five-off",
    name: "$5 off",
    value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
    pointsCost: 70,
    codeLifetimeDays: 30,
  },
  {
    id: "ten-pct",
    name: "10% off",
    value: { kind: "percentage", percent: 10 },
    pointsCost: 100,
    perMemberLimit: 1,
  },
  { id: "ship", name: "Free shipping", value: { kind: "freeShipping" }, pointsCost: 50 },
  {
    id: "mug",
    name: "Free mug",
    value: { kind: "freeProduct", productId: "8001", variantId: "9001" },
    pointsCost: 80,
  },
];

let emulator: Emulator;
let deps: RedemptionDeps;
const noWait = { sleep: async () => undefined };

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  deps = { graphql: emulatorGraphql(emulator, await installApp(emulator, SHOP)), discountOptions: noWait };
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  emulator.store.resetShop(SHOP);
  emulator.store.addCustomers(SHOP, [{ id: Number(CUSTOMER), email: "ana@example.com" }]);
  await seedProgram(db, SHOP, { rewards: REWARDS });
});

const input = (overrides: Partial<RedeemInput> = {}): RedeemInput => ({
  shop: SHOP,
  customerId: CUSTOMER,
  rewardId: "five-off",
  clientKey: "k1",
  source: "storefront",
  now: NOW,
  ...overrides,
});

const member = () =>
  db.member.findUniqueOrThrow({ where: { shop_customerId: { shop: SHOP, customerId: CUSTOMER } } });
const shopifyCodes = () => [...discountsOf(emulator.store.requireShop(SHOP)).byId.values()];
async function ledgerSum() {
  const { _sum } = await db.ledgerEntry.aggregate({
    where: { shop: SHOP, customerId: CUSTOMER },
    _sum: { points: true },
  });
  return _sum.points ?? 0;
}

describe("redeemReward", () => {
  it("debits the points and issues a single-use code restricted to the member", async () => {
    await seedMember(db, SHOP, CUSTOMER, 100);
    const redemption = await redeemReward(db, input(), deps);
    expect(redemption).toMatchObject({
      status: "issued",
      pointsCost: 70,
      code: expect.stringMatching(/^LOY-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/),
      discountId: expect.stringMatching(/^gid:\/\/shopify\/DiscountCodeNode\//),
      expiresAt: new Date(NOW.getTime() + 30 * DAY),
    });
    expect((await member()).availablePoints).toBe(30);
    const [code] = shopifyCodes();
    expect(code).toMatchObject({
      code: redemption.code,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customerIds: [`gid://shopify/Customer/${CUSTOMER}`],
      value: { kind: "amount", amountMinor: 500, appliesOnEachItem: false },
    });
    const events = await db.loyaltyEvent.findMany({ where: { shop: SHOP } });
    expect(events).toEqual([expect.objectContaining({ type: "rewardRedeemed", customerId: CUSTOMER })]);
  });

  it("gives a free product as its variant's price off that variant, once per order", async () => {
    emulator.store.addProducts(SHOP, [{ id: 8001, title: "Mug", variants: [{ id: 9001, price: "12.5" }] }]);
    await seedMember(db, SHOP, CUSTOMER, 160);
    expect(await redeemReward(db, input({ rewardId: "mug" }), deps)).toMatchObject({ status: "issued" });
    expect(shopifyCodes()).toEqual([
      expect.objectContaining({
        value: { kind: "amount", amountMinor: 1250, appliesOnEachItem: false },
        variantIds: ["gid://shopify/ProductVariant/9001"],
      }),
    ]);
    // Once the product is gone, Shopify cannot price it: the redemption fails and the points come back.
    emulator.store.resetShop(SHOP);
    emulator.store.addCustomers(SHOP, [{ id: Number(CUSTOMER) }]);
    expect(await redeemReward(db, input({ rewardId: "mug", clientKey: "k2" }), deps)).toMatchObject({
      status: "failed",
      failureReason: expect.stringContaining("no longer exists"),
    });
    expect((await member()).availablePoints).toBe(80);
  });

  it("never overspends under 200 concurrent redemptions of one balance", async () => {
    await seedMember(db, SHOP, CUSTOMER, 1000);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => redeemReward(db, input({ clientKey: `c${i}` }), deps)),
    );
    const issued = results.filter((r) => r.status === "fulfilled" && r.value.status === "issued");
    const refused = results
      .filter((r) => r.status === "rejected")
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(issued).toHaveLength(Math.floor(1000 / 70));
    expect(refused).toHaveLength(200 - 14);
    for (const error of refused) expect(error).toMatchObject({ reason: "insufficientPoints", status: 422 });
    const after = await member();
    expect(after.availablePoints).toBe(1000 - 14 * 70);
    expect(await ledgerSum()).toBe(after.availablePoints);
    expect(await rebuildMemberBalances(db, SHOP, CUSTOMER, { fix: false })).toEqual([]);
    expect(shopifyCodes()).toHaveLength(14);
  });

  it.each([
    ["refuses the code (userErrors)", "userErrors" as const],
    ["fails with HTTP 500 through every retry", "serverError" as const],
  ])("gives the points back when Shopify %s", async (_, kind) => {
    await seedMember(db, SHOP, CUSTOMER, 100);
    planFaults(emulator.store.requireShop(SHOP), { mutations: ["discountCodeBasicCreate"], kind, count: 10 });
    const redemption = await redeemReward(db, input(), deps);
    expect(redemption).toMatchObject({ status: "failed", failureReason: expect.any(String) });
    expect(redemption.returnedAt).not.toBeNull();
    expect((await member()).availablePoints).toBe(100);
    const kinds = await db.ledgerEntry.findMany({
      where: { shop: SHOP, redemptionId: redemption.id },
      orderBy: { id: "asc" },
    });
    expect(kinds.map((e) => [e.kind, e.points])).toEqual([
      ["redeem", -70],
      ["redemptionReturn", 70],
    ]);
    expect(shopifyCodes()).toEqual([]);
    expect(await db.loyaltyEvent.count({ where: { type: "rewardRedeemed" } })).toBe(0);
  });

  it("answers a retried request with the same redemption, debiting once", async () => {
    await seedMember(db, SHOP, CUSTOMER, 500);
    const all = await Promise.all(Array.from({ length: 5 }, () => redeemReward(db, input(), deps)));
    expect(new Set(all.map((r) => r.id)).size).toBe(1);
    const again = await redeemReward(db, input(), deps);
    expect(again).toMatchObject({ id: all[0]!.id, status: "issued", code: all[0]!.code });
    expect((await member()).availablePoints).toBe(430);
    expect(shopifyCodes()).toHaveLength(1);
    await expect(redeemReward(db, input({ rewardId: "ship" }), deps)).rejects.toMatchObject({
      reason: "clientKeyReused",
      status: 409,
    });
  });

  it("explains refusals: not a member, short by, inactive reward, per-member limit", async () => {
    await expect(redeemReward(db, input(), deps)).rejects.toMatchObject({ reason: "notMember", status: 404 });
    await seedMember(db, SHOP, CUSTOMER, 120);
    await expect(redeemReward(db, input({ rewardId: "gone" }), deps)).rejects.toMatchObject({
      reason: "rewardInactive",
    });
    await redeemReward(db, input({ rewardId: "ten-pct", clientKey: "a" }), deps);
    const short = await redeemReward(db, input({ clientKey: "b" }), deps).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(RedemptionError);
    expect(short).toMatchObject({ reason: "insufficientPoints", details: { shortBy: 50 } });
    // The limit is explained before the balance: more points would not help.
    await expect(
      redeemReward(db, input({ rewardId: "ten-pct", clientKey: "c" }), deps),
    ).rejects.toMatchObject({
      reason: "perMemberLimitReached",
      details: { limit: 1 },
    });
  });
});

describe("after the request", () => {
  it("recovers a redemption whose request died before Shopify answered, creating the code once", async () => {
    await seedMember(db, SHOP, CUSTOMER, 200);
    const down: RedemptionDeps = {
      graphql: () => Promise.reject(new Error("socket hang up")),
      discountOptions: noWait,
    };
    const stuck = await redeemReward(db, input(), down);
    expect(stuck.status).toBe("pending");
    expect((await member()).availablePoints).toBe(130);
    expect(await recoverPendingRedemptions(db, SHOP, new Date(NOW.getTime() + 10_000), deps)).toEqual({
      issued: 0,
      failed: 0,
      stillPending: 0,
    });

    // The second one reached Shopify, but the answer and every later call were lost: recovery
    // finds that code instead of making another.
    let cut = false;
    const lost: RedemptionDeps = {
      graphql: async (query, options) => {
        if (cut) throw new Error("connection reset");
        const response = await deps.graphql(query, options);
        if (!query.includes("mutation")) return response;
        cut = true;
        throw new Error("connection reset");
      },
      discountOptions: noWait,
    };
    const lostAnswer = await redeemReward(db, input({ clientKey: "k2", rewardId: "ship" }), lost);
    expect(lostAnswer.status).toBe("pending");

    const later = new Date(NOW.getTime() + PENDING_RECOVERY_AFTER_MS + 1);
    expect(await recoverPendingRedemptions(db, SHOP, later, deps)).toEqual({
      issued: 2,
      failed: 0,
      stillPending: 0,
    });
    const rows = await db.redemption.findMany({ where: { shop: SHOP }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["issued", "issued"]);
    expect(
      shopifyCodes()
        .map((c) => c.code)
        .sort(),
    ).toEqual(rows.map((r) => r.code).sort());
    expect((await member()).availablePoints).toBe(200 - 70 - 50);
  });

  it("marks the redemption used when an order carries its code, once", async () => {
    await seedMember(db, SHOP, CUSTOMER, 100);
    const redemption = await redeemReward(db, input(), deps);
    const order = {
      orderId: 555n,
      customerId: CUSTOMER,
      discountCodes: [redemption.code!.toLowerCase(), "SUMMER"],
      at: NOW,
    };
    await db.$transaction((tx) => markRedemptionsUsed(tx, SHOP, order));
    await db.$transaction((tx) => markRedemptionsUsed(tx, SHOP, order));
    expect(await db.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "used",
      usedOrderId: 555n,
      usedAt: NOW,
    });
    expect(await db.loyaltyEvent.count({ where: { type: "rewardUsed" } })).toBe(1);
    const expiry = await expireRedemptions(db, SHOP, new Date(NOW.getTime() + 400 * DAY), deps);
    expect(expiry.expired).toBe(0);
  });

  it("expires unused codes after the grace, deletes them in Shopify and returns the points once", async () => {
    await seedMember(db, SHOP, CUSTOMER, 100);
    const redemption = await redeemReward(db, input(), deps);
    const atEnd = redemption.expiresAt!;
    expect(await expireRedemptions(db, SHOP, atEnd, deps)).toEqual({
      expired: 0,
      pointsReturned: 0,
      deferred: 0,
    });
    const later = new Date(atEnd.getTime() + EXPIRY_GRACE_MS);
    expect(await expireRedemptions(db, SHOP, later, deps)).toEqual({
      expired: 1,
      pointsReturned: 70,
      deferred: 0,
    });
    expect(await expireRedemptions(db, SHOP, later, deps)).toEqual({
      expired: 0,
      pointsReturned: 0,
      deferred: 0,
    });
    expect(shopifyCodes()).toEqual([]);
    expect(await db.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "expired",
    });
    expect((await member()).availablePoints).toBe(100);
    expect(await db.ledgerEntry.count({ where: { kind: "redemptionReturn" } })).toBe(1);
    expect(await rebuildMemberBalances(db, SHOP, CUSTOMER, { fix: false, now: later })).toEqual([]);
  });

  it("keeps the points spent on expiry when the program says so, and retries a delete Shopify failed", async () => {
    await seedProgram(db, SHOP, { rewards: REWARDS, refunds: { returnPointsOnExpiry: false } });
    await seedMember(db, SHOP, CUSTOMER, 100);
    const redemption = await redeemReward(db, input(), deps);
    const later = new Date(redemption.expiresAt!.getTime() + EXPIRY_GRACE_MS);
    planFaults(emulator.store.requireShop(SHOP), {
      mutations: ["discountCodeDelete"],
      kind: "serverError",
      count: 4,
    });
    expect(await expireRedemptions(db, SHOP, later, deps)).toEqual({
      expired: 0,
      pointsReturned: 0,
      deferred: 1,
    });
    expect(await expireRedemptions(db, SHOP, later, deps)).toEqual({
      expired: 1,
      pointsReturned: 0,
      deferred: 0,
    });
    expect((await member()).availablePoints).toBe(30);
  });
});
