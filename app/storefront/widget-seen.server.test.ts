import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { recordWidgetSeen, WIDGET_SEEN_SETTING } from "./widget-seen.server";

const db = prisma();
const SHOP = "widget-seen.myshopify.com";
const settings = async () =>
  (await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).settings as Record<string, unknown>;

beforeEach(async () => {
  await resetDatabase(db);
  await db.shop.create({ data: { domain: SHOP, settings: { tierPerks: { discountId: "gid://x/1" } } } });
});

describe("recordWidgetSeen", () => {
  it("records the storefront's visit beside the shop's other settings, at most once an hour", async () => {
    await recordWidgetSeen(db, SHOP, new Date("2026-03-02T10:00:00Z"));
    expect(await settings()).toEqual({
      tierPerks: { discountId: "gid://x/1" },
      [WIDGET_SEEN_SETTING]: "2026-03-02T10:00:00.000Z",
    });
    await recordWidgetSeen(db, SHOP, new Date("2026-03-02T10:30:00Z"));
    expect((await settings())[WIDGET_SEEN_SETTING]).toBe("2026-03-02T10:00:00.000Z");
    await recordWidgetSeen(db, SHOP, new Date("2026-03-02T11:00:00Z"));
    expect((await settings())[WIDGET_SEEN_SETTING]).toBe("2026-03-02T11:00:00.000Z");
  });
});
