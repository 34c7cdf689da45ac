import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { ProgramInput } from "~/loyalty/program";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { action, loader } from "~/routes/app.perks";
import {
  adminEmulator,
  adminRequest,
  answer,
  routeArgs,
  storeOfflineSession,
} from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { automaticDiscountsOf } from "../../../emulator/graphql/discount-automatic";
import type { Emulator } from "../../../emulator/server";

// /app/perks through its route: the loader reads the tier-perk discount's state through
// the shop's admin client (the emulator), the action creates or updates it from the
// settings form and answers 422 with field errors for a form it cannot accept.

const db = prisma();
const SHOP = "perks-route.myshopify.com";
const TIERS: ProgramInput["tiers"] = {
  basis: "spend",
  levels: [
    { id: "silver", name: "Silver", threshold: 10000, benefits: { perkPercent: 5 } },
    { id: "gold", name: "Gold", threshold: 50000, benefits: { perkPercent: 10, freeShipping: true } },
  ],
};
let emulator: Emulator;

beforeAll(async () => {
  emulator = await adminEmulator(SHOP);
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  emulator.store.createShop({ domain: SHOP });
  await storeOfflineSession(emulator, SHOP);
  await seedProgram(db, SHOP, { tiers: TIERS });
});

const discounts = () => [...automaticDiscountsOf(emulator.store.requireShop(SHOP)).byId.values()];
const loadPage = () => loader(routeArgs(adminRequest(SHOP, "/app/perks")));
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app/perks", form))).then(answer);

describe("/app/perks", () => {
  it("shows the perk discount missing before it is created", async () => {
    const page = await loadPage();
    expect(page.state).toBe("missing");
    expect(page.config.tiers.map((t) => t.id)).toEqual(["silver", "gold"]);
  });

  it("creates the discount from the form, and the page then shows it active", async () => {
    const result = await submit({
      discountClass: "ORDER",
      orderDiscounts: "on",
      excludedProductTags: "gift, sale",
    });
    expect(result).toEqual({ status: 200, body: { ok: true, action: "created" } });
    expect(discounts()).toHaveLength(1);
    const page = await loadPage();
    expect(page.state).toBe("active");
    expect(page.settings).toMatchObject({ discountClass: "ORDER", excludedProductTags: ["gift", "sale"] });
  });

  it("answers 422 with field errors for an unknown discount class and creates nothing", async () => {
    const result = await submit({ discountClass: "SHIPPING", excludedProductTags: "" });
    expect(result.status).toBe(422);
    expect(result.body).toEqual({
      ok: false,
      fieldErrors: { discountClass: "Choose product or order discount." },
      error: null,
    });
    expect(discounts()).toEqual([]);
  });

  it("answers 422 when the settings would take the config past the function's 10,000 bytes", async () => {
    // 40 tags of 250 characters: valid for the schema, about 10 KB of JSON on their own.
    const tags = Array.from({ length: 40 }, (_, i) => `${"t".repeat(246)}-${String(i).padStart(3, "0")}`);
    const result = await submit({ discountClass: "PRODUCT", excludedProductTags: tags.join(", ") });
    expect(result.status).toBe(422);
    expect(result.body).toMatchObject({ ok: false, fieldErrors: {} });
    expect((result.body as { error: string }).error).toMatch(
      /^The tier-perk settings come to \d+,\d{3} bytes; Shopify Functions read at most 10,000/,
    );
    expect(discounts()).toEqual([]);
  });
});
