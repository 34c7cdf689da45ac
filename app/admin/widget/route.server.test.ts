import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { action, loader } from "~/routes/app.widget";
import { DEFAULT_APPEARANCE } from "~/storefront/widget-appearance";
import {
  adminEmulator,
  adminRequest,
  answer,
  routeArgs,
  storeOfflineSession,
} from "~tests/support/admin.server";
import { seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { metafieldsOf } from "../../../emulator/graphql/metafields";
import type { Emulator } from "../../../emulator/server";

// /app/widget through its route: the appearance lives in the shop's $app.widget metafield
// (in the emulator), previews are the extension's own Liquid rendered with the draft, and
// a draft the storefront could not use (unreadable contrast, a bad proxy path) is a 422
// that writes nothing.

const db = prisma();
const SHOP = "widget-route.myshopify.com";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await adminEmulator(SHOP);
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  emulator.store.createShop({ domain: SHOP });
  await storeOfflineSession(emulator, SHOP);
  await seedProgram(db, SHOP, {
    earning: { pointsPerCurrencyUnit: 5, bonuses: { signup: 200 } },
    rewards: [
      {
        id: "ten",
        name: "$10 off",
        value: { kind: "fixedAmount", amount: { amountMinor: 1000, currency: "USD" } },
        pointsCost: 1000,
        minimumSubtotal: { amountMinor: 5000, currency: "USD" },
      },
    ],
  });
});

const shopMetafields = () => {
  const shop = emulator.store.requireShop(SHOP);
  return metafieldsOf(shop, shop.shop.id);
};
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app/widget", form))).then(answer);
const draft = (changes: Record<string, unknown>) => JSON.stringify({ ...DEFAULT_APPEARANCE, ...changes });

describe("/app/widget", () => {
  it("shows the defaults before anything is saved, with previews of the live program", async () => {
    const page = await loader(routeArgs(adminRequest(SHOP, "/app/widget")));
    expect(page.saved).toBe(false);
    expect(page.appearance).toEqual(DEFAULT_APPEARANCE);
    expect(page.previews.guest).toContain("data-lw-embed");
    expect(page.previews.guest).toContain("$10 off"); // the stubbed proxy answer carries the program
    expect(page.previews.member).toContain('data-lw-name="Mia"');
  });

  it("previews a draft without writing it, and saves it to the shop's $app.widget metafield", async () => {
    const previewed = await submit({ intent: "preview", appearance: draft({ accentColor: "#7a1fd8" }) });
    expect(previewed.status).toBe(200);
    expect((previewed.body as { previews: { guest: string } }).previews.guest).toContain(
      "--lw-accent: #7a1fd8",
    );
    expect(shopMetafields()).toEqual([]);

    const saved = await submit({
      intent: "save",
      appearance: draft({ accentColor: "#7A1FD8", position: "bottom-left", launcherText: "VIP club" }),
    });
    expect(saved.status).toBe(200);
    const [metafield] = shopMetafields();
    expect(metafield).toMatchObject({
      namespace: expect.stringMatching(/^app--/),
      key: "widget",
      type: "json",
    });
    expect(JSON.parse(metafield!.value)).toMatchObject({
      accentColor: "#7a1fd8",
      position: "bottom-left",
      launcherText: "VIP club",
    });
    const page = await loader(routeArgs(adminRequest(SHOP, "/app/widget")));
    expect(page.saved).toBe(true);
    expect(page.previews.member).toContain('data-position="bottom-left"');
  });

  it("refuses unreadable contrast and a bad proxy path with 422 field errors, writing nothing", async () => {
    const result = await submit({
      intent: "save",
      appearance: draft({ accentColor: "#ffff00", accentTextColor: "#ffffff", proxyPath: "/shop/loyalty" }),
    });
    expect(result.status).toBe(422);
    const body = result.body as { fieldErrors: Record<string, string> };
    expect(body.fieldErrors.accentTextColor).toMatch(/^Contrast 1\.1:1 on the accent colour is too low/);
    expect(body.fieldErrors.proxyPath).toBe("Use the app proxy's prefix and subpath, such as /apps/loyalty.");
    expect(shopMetafields()).toEqual([]);
  });

  it("answers 400 to a form it did not build", async () => {
    expect((await submit({ intent: "save", appearance: "{not json" })).status).toBe(400);
    expect((await submit({ intent: "publish", appearance: draft({}) })).status).toBe(400);
    expect(shopMetafields()).toEqual([]);
  });
});
