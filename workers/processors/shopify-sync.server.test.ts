import { UnrecoverableError, type Job } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { enqueueMetafieldSync } from "~/jobs/producers.server";
import { closeQueues, queue } from "~/jobs/queue.server";
import { redeemReward } from "~/loyalty/services/redemptions.server";
import { emulatorGraphql, seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { redis } from "~/redis.server";
import { adminGraphqlFor, NoOfflineSessionError } from "~/shopify/admin-client.server";
import { storedTierPerks } from "~/shopify/perk-discount.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { discountsOf } from "../../emulator/graphql/discounts";
import { automaticDiscountsOf } from "../../emulator/graphql/discount-automatic";
import { planFaults } from "../../emulator/graphql/faults";
import { metafieldsOf } from "../../emulator/graphql/metafields";
import type { Emulator } from "../../emulator/server";
import { installApp, startTestEmulator } from "../../emulator/testing";
import { scheduleShopifySync, shopifySyncProcessor } from "./shopify-sync";

const db = prisma();
const SHOP = "sync-a.myshopify.com";
const GONE = "sync-gone.myshopify.com";
let emulator: Emulator;
let token: string;
const adminFor = async () => emulatorGraphql(emulator, token);

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  token = await installApp(emulator, SHOP);
});
afterAll(async () => {
  await closeQueues();
  await emulator.close();
});
beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
  emulator.store.resetShop(SHOP);
  emulator.store.addCustomers(SHOP, [{ id: 1 }, { id: 2 }]);
  await db.shop.create({ data: { domain: GONE, status: "uninstalled" } });
  await seedProgram(db, SHOP, {
    rewards: [
      {
        id: "r",
        name: "$1 off",
        value: { kind: "fixedAmount", amount: { amountMinor: 100, currency: "USD" } },
        pointsCost: 10,
        codeLifetimeDays: 1,
      },
    ],
  });
});

describe("shopify-sync queue", () => {
  it("debounces a shop's metafield sync: repeated enqueues leave one job", async () => {
    await enqueueMetafieldSync(SHOP);
    await enqueueMetafieldSync(SHOP);
    await enqueueMetafieldSync("other.myshopify.com");
    const jobs = await queue(QUEUE.shopifySync).getJobs(["delayed", "waiting"]);
    expect(jobs.map((j) => j.data).sort((a, b) => a.shop.localeCompare(b.shop))).toEqual([
      { shop: "other.myshopify.com" },
      { shop: SHOP },
    ]);
  });

  it("schedules work only for installed shops that need it, and the processor does it", async () => {
    await seedMember(db, SHOP, 1n, 50);
    await seedMember(db, GONE, 1n, 50);
    const now = new Date();
    const redemption = await redeemReward(
      db,
      {
        shop: SHOP,
        customerId: 1n,
        rewardId: "r",
        clientKey: "x",
        source: "admin",
        now: new Date(now.getTime() - 3 * 86_400_000),
      },
      { graphql: await adminFor() },
    );
    const q = queue(QUEUE.shopifySync);
    expect(await scheduleShopifySync(db, q, now)).toEqual({ metafields: 1, redemptions: 1 });

    const run = shopifySyncProcessor(db, q, adminFor);
    expect(await run({ name: "sync-metafields", data: { shop: SHOP } } as Job)).toMatchObject({ synced: 1 });
    expect(
      metafieldsOf(emulator.store.requireShop(SHOP), "gid://shopify/Customer/1").map((m) => m.value),
    ).toContain("40");
    expect(await run({ name: "settle-redemptions", data: { shop: SHOP } } as Job)).toMatchObject({
      expired: { expired: 1, pointsReturned: 10 },
    });
    expect(await db.redemption.findUniqueOrThrow({ where: { id: redemption.id } })).toMatchObject({
      status: "expired",
    });
    expect(discountsOf(emulator.store.requireShop(SHOP)).byId.size).toBe(0);
    await expect(run({ name: "sync-metafields", data: {} } as Job)).rejects.toThrow(/Invalid payload/);
  });

  it("skips, without retrying, the sync of a shop that has no offline session", async () => {
    await seedMember(db, GONE, 1n, 50);
    // The real lookup: the test database holds no session for GONE.
    await expect(adminGraphqlFor(GONE)).rejects.toBeInstanceOf(NoOfflineSessionError);

    const run = shopifySyncProcessor(db, queue(QUEUE.shopifySync), adminGraphqlFor);
    for (const name of ["sync-metafields", "settle-redemptions"])
      expect(await run({ name, data: { shop: GONE } } as Job)).toEqual({ skipped: "no offline session" });
    expect(await db.member.findFirstOrThrow({ where: { shop: GONE } })).toMatchObject({
      metafieldsDirty: true,
    });
  });

  it("creates the tier-perk discount after tiers with perks are saved, and records Shopify's refusal", async () => {
    const run = shopifySyncProcessor(db, queue(QUEUE.shopifySync), adminFor);
    // No tier has a perk and no discount exists: nothing to write.
    expect(await run({ name: "sync-tier-perks", data: { shop: SHOP } } as Job)).toEqual({
      action: "skipped",
      failed: null,
    });
    await seedProgram(db, SHOP, {
      tiers: { levels: [{ id: "gold", name: "Gold", threshold: 100, benefits: { perkPercent: 10 } }] },
    });
    expect(await run({ name: "sync-tier-perks", data: { shop: SHOP } } as Job)).toEqual({
      action: "created",
      failed: null,
    });
    expect(automaticDiscountsOf(emulator.store.requireShop(SHOP)).byId.size).toBe(1);

    planFaults(emulator.store.requireShop(SHOP), {
      mutations: ["discountAutomaticAppUpdate"],
      kind: "userErrors",
      count: 1,
    });
    await expect(run({ name: "sync-tier-perks", data: { shop: SHOP } } as Job)).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
    expect((await storedTierPerks(db, SHOP)).lastError).toMatch(/discountAutomaticAppUpdate/);
    expect(await run({ name: "sync-tier-perks", data: { shop: SHOP } } as Job)).toEqual({
      action: "updated",
      failed: null,
    });
    expect((await storedTierPerks(db, SHOP)).lastError).toBeNull();
  });
});
