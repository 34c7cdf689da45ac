import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { ProgramInput } from "~/loyalty/program";
import { shopPrograms } from "~/loyalty/services/member-program.server";
import { currentProgramVersion, saveProgram } from "~/loyalty/services/program.server";
import { emulatorGraphql, seedProgram } from "~tests/support/loyalty-world.server";
import { tierPerkConfigSchema } from "~/loyalty/tier-perks";
import { resetDatabase } from "~tests/support/webhooks.server";
import { automaticDiscountsOf } from "../../emulator/graphql/discount-automatic";
import { planFaults } from "../../emulator/graphql/faults";
import type { Emulator } from "../../emulator/server";
import { installApp, startTestEmulator, TEST_API_KEY } from "../../emulator/testing";
import type { AdminGraphql } from "./graphql.server";
import { loadPerksPage, storedTierPerks, syncTierPerkDiscount } from "./perk-discount.server";

const db = prisma();
const SHOP = "perk-discount.myshopify.com";
const TIERS: ProgramInput["tiers"] = {
  basis: "spend",
  levels: [
    { id: "silver", name: "Silver", threshold: 10000, benefits: { perkPercent: 5 } },
    { id: "gold", name: "Gold", threshold: 50000, benefits: { perkPercent: 10, freeShipping: true } },
  ],
};

let emulator: Emulator;
let graphql: AdminGraphql;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  graphql = emulatorGraphql(emulator, await installApp(emulator, SHOP));
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  emulator.store.createShop({ domain: SHOP });
  await seedProgram(db, SHOP, { tiers: TIERS });
  await db.shop.update({ where: { domain: SHOP }, data: { settings: { unrelated: 1 } } });
});

const inPlay = async () => (await shopPrograms(db, SHOP, new Date())).all;
const discounts = () => [...automaticDiscountsOf(emulator.store.requireShop(SHOP)).byId.values()];
const storedConfig = () => tierPerkConfigSchema.parse(JSON.parse(discounts()[0]!.metafields[0]!.value));

describe("tier-perk automatic discount", () => {
  it("creates the discount on the function with the program's tiers as its configuration", async () => {
    expect((await loadPerksPage(db, graphql, SHOP, await inPlay())).state).toBe("missing");
    const result = await syncTierPerkDiscount(db, graphql, SHOP, await inPlay(), {
      settings: { combinesWith: { orderDiscounts: true }, excludedProductTags: ["gift"] },
    });
    expect(result.action).toBe("created");
    const [discount] = discounts();
    expect(discount).toMatchObject({
      id: result.discount.id,
      title: "Loyalty tier perks",
      functionHandle: "tier-perk-discount",
      discountClasses: ["PRODUCT", "SHIPPING"],
      combinesWith: { productDiscounts: false, orderDiscounts: true, shippingDiscounts: false },
    });
    expect(discount!.metafields[0]).toMatchObject({
      namespace: `app--${TEST_API_KEY}--loyalty-perks`,
      key: "function-configuration",
      type: "json",
    });
    expect(storedConfig()).toMatchObject({
      tiers: [
        { id: "silver", perkPercent: 5, freeShipping: false },
        { id: "gold", perkPercent: 10, freeShipping: true },
      ],
      excludedProductTags: ["gift"],
    });
    const stored = await storedTierPerks(db, SHOP);
    expect(stored).toMatchObject({ discountId: result.discount.id, programVersion: 2 });
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
    expect((shop.settings as Record<string, unknown>).unrelated).toBe(1);
    expect((await loadPerksPage(db, graphql, SHOP, await inPlay())).state).toBe("active");
  });

  it("updates the same discount in place when the tiers change, keeping saved settings", async () => {
    const first = await syncTierPerkDiscount(db, graphql, SHOP, await inPlay(), {
      settings: { discountClass: "ORDER" },
    });
    const { version, program } = await currentProgramVersion(db, SHOP);
    await saveProgram(
      db,
      SHOP,
      {
        ...program,
        tiers: { ...TIERS, levels: [{ ...TIERS.levels![0]!, benefits: { perkPercent: 7 } }] },
      },
      { basedOn: version },
    );
    const page = await loadPerksPage(db, graphql, SHOP, await inPlay());
    expect(page.state).toBe("outOfDate");
    expect(page.discount?.discountClasses).toEqual(["ORDER", "SHIPPING"]);
    const second = await syncTierPerkDiscount(db, graphql, SHOP, await inPlay());
    expect(second).toMatchObject({ action: "updated", discount: { id: first.discount.id } });
    expect(discounts()).toHaveLength(1);
    expect(discounts()[0]!.discountClasses).toEqual(["ORDER"]);
    expect(discounts()[0]!.metafields).toHaveLength(1);
    expect(storedConfig()).toMatchObject({
      discountClass: "ORDER",
      tiers: [{ id: "silver", perkPercent: 7 }],
    });
    expect((await loadPerksPage(db, graphql, SHOP, await inPlay())).state).toBe("active");
  });

  it("creates a new discount when the stored one was deleted in Shopify", async () => {
    await syncTierPerkDiscount(db, graphql, SHOP, await inPlay());
    automaticDiscountsOf(emulator.store.requireShop(SHOP)).byId.clear();
    const again = await syncTierPerkDiscount(db, graphql, SHOP, await inPlay());
    expect(again.action).toBe("created");
    expect(discounts()).toHaveLength(1);
  });

  it("throws Shopify's userErrors and remembers nothing", async () => {
    planFaults(emulator.store.requireShop(SHOP), {
      mutations: ["discountAutomaticAppCreate"],
      kind: "userErrors",
      count: 1,
    });
    await expect(syncTierPerkDiscount(db, graphql, SHOP, await inPlay())).rejects.toThrow(
      /discountAutomaticAppCreate: discountAutomaticAppCreate failed/,
    );
    expect(discounts()).toHaveLength(0);
    expect((await storedTierPerks(db, SHOP)).discountId).toBeNull();
  });
});
