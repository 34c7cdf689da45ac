import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import { action, loader } from "~/routes/app.rewards";
import { seedProgram } from "~tests/support/loyalty-world.server";
import {
  adminEmulator,
  adminRequest,
  answer,
  routeArgs,
  storeOfflineSession,
} from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../../emulator/server";
import { sectionPart } from "../program/sections";

// /app/rewards through its route: the catalogue with each reward's use, and its saves
// (add, edit, delete are saves of the rewards section), refusing duplicates with 422.

const db = prisma();
const SHOP = "rewards-route.myshopify.com";
let emulator: Emulator;

const usd = (amountMinor: number) => ({ amountMinor, currency: "USD" });

beforeAll(async () => {
  emulator = await adminEmulator(SHOP);
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  await storeOfflineSession(emulator, SHOP);
  await db.shop.create({ data: { domain: SHOP, currencyCode: "USD", ianaTimezone: "America/New_York" } });
  await seedProgram(db, SHOP, {
    currency: "USD",
    rewards: [
      { id: "five", name: "$5 off", value: { kind: "fixedAmount", amount: usd(500) }, pointsCost: 500 },
      { id: "ten-pc", name: "10% off", value: { kind: "percentage", percent: 10 }, pointsCost: 800 },
      {
        id: "mug",
        name: "Free mug",
        value: {
          kind: "freeProduct",
          productId: "gid://shopify/Product/77",
          variantId: "gid://shopify/ProductVariant/770",
        },
        pointsCost: 1200,
      },
    ],
  });
  await db.product.create({ data: { shop: SHOP, id: 77n, title: "Harbor mug" } });
  await db.order.createMany({
    data: [
      {
        shop: SHOP,
        id: 1n,
        name: "#1001",
        currencyCode: "USD",
        subtotalMinor: 4500n,
        totalMinor: 4500n,
        totalDiscountsMinor: 500n,
      },
      {
        shop: SHOP,
        id: 2n,
        name: "#1002",
        currencyCode: "USD",
        subtotalMinor: 9000n,
        totalMinor: 9000n,
        totalDiscountsMinor: 1000n,
      },
    ],
  });
  const redemption = (rewardId: string, reward: object, pointsCost: number, extra: object) => ({
    shop: SHOP,
    customerId: 1n,
    rewardId,
    reward,
    pointsCost,
    programVersion: 2,
    experimentVariants: [],
    ...extra,
  });
  await db.redemption.createMany({
    data: [
      redemption("five", { value: { kind: "fixedAmount", amount: usd(500) } }, 500, {
        status: "used",
        usedAt: new Date("2026-11-20T15:00:00Z"),
        usedOrderId: 1n,
        createdAt: new Date("2026-11-18T15:00:00Z"),
      }),
      redemption("five", { value: { kind: "fixedAmount", amount: usd(500) } }, 500, {
        status: "issued",
        createdAt: new Date("2026-11-25T15:00:00Z"),
      }),
      redemption("five", { value: { kind: "fixedAmount", amount: usd(500) } }, 500, { status: "failed" }),
      redemption("five", { value: { kind: "fixedAmount", amount: usd(500) } }, 500, {
        status: "expired",
        returnedAt: new Date("2026-11-30T00:00:00Z"),
        createdAt: new Date("2026-10-01T15:00:00Z"),
      }),
      redemption("ten-pc", { value: { kind: "percentage", percent: 10 } }, 800, {
        status: "used",
        usedAt: new Date("2026-12-01T02:00:00Z"),
        usedOrderId: 2n,
      }),
    ],
  });
});

const loadPage = async () =>
  (await loader(routeArgs(adminRequest(SHOP, "/app/rewards")))) as Awaited<ReturnType<typeof loader>>;

describe("/app/rewards", () => {
  it("shows each reward's redemptions, points spent, discounts given and last use", async () => {
    const page = await loadPage();
    expect(page.usage.five).toEqual({
      redemptions: 3,
      used: 1,
      pointsSpent: 1000,
      discountsMinor: 500,
      lastRedeemedAt: "2026-11-25T15:00:00.000Z",
      lastUsedAt: "2026-11-20T15:00:00.000Z",
    });
    // A percentage code's cost is what the order that used it was discounted.
    expect(page.usage["ten-pc"]).toMatchObject({
      redemptions: 1,
      used: 1,
      pointsSpent: 800,
      discountsMinor: 1000,
    });
    expect(page.usage.mug).toBeUndefined();
    expect(page.titles["gid://shopify/Product/77"]).toBe("Harbor mug");
    expect(page.timeZone).toBe("America/New_York");
  });

  it("adds, edits and deletes rewards as new program versions", async () => {
    const page = await loadPage();
    const draft = structuredClone(page.draft);
    draft.rewards[0]!.pointsCost = "450";
    draft.rewards.splice(2, 1);
    draft.rewards.push({
      ...draft.rewards[0]!,
      id: "ship",
      name: "Free shipping",
      kind: "freeShipping",
      amount: "",
    });
    const form = { basedOn: String(page.version), section: JSON.stringify(sectionPart("rewards", draft)) };
    const result = await answer(await action(routeArgs(adminRequest(SHOP, "/app/rewards", form))));
    expect(result).toEqual({ status: 200, body: { ok: true, version: 3 } });
    const { program } = await currentProgramVersion(db, SHOP);
    expect(program.rewards.map((r) => [r.id, r.pointsCost, r.value.kind])).toEqual([
      ["five", 450, "fixedAmount"],
      ["ten-pc", 800, "percentage"],
      ["ship", 450, "freeShipping"],
    ]);
  });

  it("refuses a duplicate name and an equivalent reward with 422 and saves nothing", async () => {
    const page = await loadPage();
    const draft = structuredClone(page.draft);
    draft.rewards.push({
      ...draft.rewards[0]!,
      id: "five-again",
      name: "Five dollars off",
      pointsCost: "400",
    });
    draft.rewards.push({ ...draft.rewards[1]!, id: "pc-again", name: "$5 OFF", percent: "15" });
    const form = { basedOn: String(page.version), section: JSON.stringify(sectionPart("rewards", draft)) };
    const result = await answer(await action(routeArgs(adminRequest(SHOP, "/app/rewards", form))));
    expect(result.status).toBe(422);
    expect(result.body).toMatchObject({
      fieldErrors: {
        "rewards.3.kind": "Gives the same as “$5 off” on the same conditions. Change one, or remove it.",
        "rewards.4.name": "Another reward is already called “$5 OFF”.",
      },
    });
    expect((await currentProgramVersion(db, SHOP)).version).toBe(2);
  });
});
