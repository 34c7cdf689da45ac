import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { loader as appLoader } from "~/routes/app";
import { env } from "~/env.server";
import { routeShopifyTo } from "~/shopify/emulator-origin.server";
import { adminRequest, routeArgs, STAFF_ID, storeSessionWithoutShopify } from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../emulator/server";
import { startTestEmulator } from "../../emulator/testing";
import { exchangeForUser, rawSessionToken, rememberStaff, staffNames } from "./staff.server";

// Staff names: the admin's layout loader exchanges the staff member's session token for an
// online access token once (the emulator answers as Shopify documents, with the
// associated_user), keeps the name and shows it wherever staff are named.

const db = prisma();
const SHOP = "staff-names.myshopify.com";
let emulator: Emulator;

beforeAll(async () => {
  // Token exchange authenticates the app by its own client id and secret.
  emulator = await startTestEmulator({ apiKey: env().SHOPIFY_API_KEY, apiSecret: env().SHOPIFY_API_SECRET });
  emulator.store.createShop({ domain: SHOP });
  routeShopifyTo(emulator.url);
  emulator.store.addStaff(SHOP, {
    id: Number(STAFF_ID),
    firstName: "Grace",
    lastName: "Hopper",
    email: "grace@staff-names.example",
    accountOwner: false,
  });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await resetDatabase(db);
  await storeSessionWithoutShopify(SHOP);
});

describe("staff names", () => {
  it("are fetched through token exchange when the staff member opens the admin, then shown by id", async () => {
    await appLoader(routeArgs(adminRequest(SHOP, "/app")));
    expect(
      await db.staffMember.findUnique({ where: { shop_userId: { shop: SHOP, userId: STAFF_ID } } }),
    ).toMatchObject({
      firstName: "Grace",
      lastName: "Hopper",
      email: "grace@staff-names.example",
      accountOwner: false,
    });
    expect(await staffNames(db, SHOP, [STAFF_ID, "999", null])).toEqual({ [STAFF_ID]: "Grace Hopper" });
    expect(await staffNames(db, "another.myshopify.com", [STAFF_ID])).toEqual({});
    // The online token itself is not kept: the only stored session is the shop's offline one.
    expect(await db.session.findMany({ where: { shop: SHOP }, select: { isOnline: true } })).toEqual([
      { isOnline: false },
    ]);
  });

  it("asks Shopify once a day at most, and follows a rename after that", async () => {
    const exchange = vi.fn(exchangeForUser);
    const token = () => rawSessionToken(adminRequest(SHOP, "/app"));
    const now = new Date();
    await rememberStaff(db, SHOP, STAFF_ID, token(), exchange, now);
    await rememberStaff(db, SHOP, STAFF_ID, token(), exchange, new Date(now.getTime() + 3_600_000));
    expect(exchange).toHaveBeenCalledTimes(1);
    emulator.store.addStaff(SHOP, {
      id: Number(STAFF_ID),
      firstName: "Grace",
      lastName: "Murray Hopper",
      email: "grace@staff-names.example",
      accountOwner: false,
    });
    await rememberStaff(db, SHOP, STAFF_ID, token(), exchange, new Date(now.getTime() + 25 * 3_600_000));
    expect(exchange).toHaveBeenCalledTimes(2);
    expect(await staffNames(db, SHOP, [STAFF_ID])).toEqual({ [STAFF_ID]: "Grace Murray Hopper" });
  });

  it("never fails the page when Shopify refuses the exchange", async () => {
    const refused = vi.fn(async () => {
      throw new Error("token exchange for the staff user answered 400");
    });
    await expect(rememberStaff(db, SHOP, STAFF_ID, "token", refused)).resolves.toBeUndefined();
    expect(await db.staffMember.count()).toBe(0);
  });
});
