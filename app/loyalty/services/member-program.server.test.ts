import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { prisma } from "~/db.server";
import { customerPayload } from "~/ingest/customer-payload";
import { ingestCustomer } from "~/ingest/ingest.server";
import type { ProgramInput } from "~/loyalty/program";
import { loadMemberDetail } from "~/admin/members/member.server";
import { redis } from "~/redis.server";
import { syncMemberMetafields } from "~/shopify/metafields.server";
import { syncTierPerkDiscount } from "~/shopify/perk-discount.server";
import { loadMemberStatus } from "~/storefront/member-status.server";
import { redeemRateKey } from "~/storefront/rate-limit.server";
import { redeemFromStorefront } from "~/storefront/redeem.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { memberTier, parsePerkConfig } from "../../../extensions/tier-perk-discount/src/perk";
import { metafieldsOf } from "../../../emulator/graphql/metafields";
import type { Emulator } from "../../../emulator/server";
import { installApp, startTestEmulator } from "../../../emulator/testing";
import { readAppState } from "../../../simulator/history-app.server";
import { emulatorGraphql, seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { adjustPoints } from "./adjustments.server";
import { appendEntries, lockMember } from "./ledger.server";
import { shopPrograms } from "./member-program.server";
import { expireRedemptions, EXPIRY_GRACE_MS } from "./redemptions-lifecycle.server";
import { runScheduledLoyalty } from "./scheduled.server";

// Every surface outside the crediting paths answers "which program does this member get"
// through the one resolution. A running experiment is stood in for at the assignment seam:
// one member is in a variant that changes rewards, the signup and birthday bonuses, expiry,
// tier thresholds and perks; another member is not. Each surface must show the first one
// the variant and the second one the live program, and every entry or redemption written
// for the first one must name the variant.

const { VARIANT, CONTROL, KEY, assignment } = vi.hoisted(() => {
  const VARIANT = 9001n;
  const CONTROL = 9002n;
  const KEY = "exp1:generous";
  const override = {
    variantKey: KEY,
    patch: {
      earning: { bonuses: { signup: 500, birthday: 200 } },
      rewards: [
        {
          id: "five-off",
          name: "$5 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
          pointsCost: 250,
        },
        {
          id: "variant-only",
          name: "$8 off",
          value: { kind: "fixedAmount", amount: { amountMinor: 800, currency: "USD" } },
          pointsCost: 400,
          codeLifetimeDays: 10,
        },
      ],
      tiers: {
        levels: [
          { id: "silver", name: "Silver", threshold: 500, benefits: { perkPercent: 15 } },
          { id: "gold", name: "Gold", threshold: 2000, benefits: { perkPercent: 10, freeShipping: true } },
        ],
      },
      expiry: { policy: "fixedAge", days: 30, noticeDays: 5 },
      refunds: { returnPointsOnExpiry: true },
      widgetCopy: { memberGreeting: "Welcome back to the club" },
    },
  };
  return {
    VARIANT,
    CONTROL,
    KEY,
    assignment: {
      overridesFor: (customerId: bigint) => (customerId === VARIANT ? [override] : []),
      combinations: [[override]],
    },
  };
});

vi.mock("./assignment.server", () => ({ loadAssignment: async () => assignment }));

const db = prisma();
const SHOP = "member-program.myshopify.com";
const NOW = new Date("2025-09-15T12:00:00Z");
const DAY = 86_400_000;

const LIVE: Partial<ProgramInput> = {
  earning: { pointsPerCurrencyUnit: 1, bonuses: { signup: 50, birthday: 0, firstOrder: 0 } },
  rewards: [
    {
      id: "five-off",
      name: "$5 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
      pointsCost: 500,
    },
  ],
  tiers: {
    basis: "points",
    levels: [
      { id: "silver", name: "Silver", threshold: 1000, benefits: { perkPercent: 5 } },
      { id: "gold", name: "Gold", threshold: 4000, benefits: { perkPercent: 10, freeShipping: true } },
    ],
  },
  expiry: { policy: "none" },
  refunds: { returnPointsOnExpiry: false },
};

let emulator: Emulator;
let graphql: ReturnType<typeof emulatorGraphql>;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  graphql = emulatorGraphql(emulator, await installApp(emulator, SHOP));
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  await redis().del(redeemRateKey(SHOP, VARIANT), redeemRateKey(SHOP, CONTROL));
  emulator.store.resetShop(SHOP);
  emulator.store.addCustomers(SHOP, [{ id: Number(VARIANT) }, { id: Number(CONTROL) }]);
  await seedProgram(db, SHOP, LIVE);
});

const entries = (customerId: bigint) =>
  db.ledgerEntry.findMany({ where: { shop: SHOP, customerId }, orderBy: { id: "asc" } });
const variantsOf = async (customerId: bigint, kind: string) =>
  (await entries(customerId)).filter((e) => e.kind === kind).map((e) => e.experimentVariants);

async function redeem(customerId: bigint, rewardId: string, now = NOW) {
  const response = await redeemFromStorefront(
    { db, redis: redis(), now, graphql, discountOptions: { sleep: async () => undefined } },
    SHOP,
    customerId,
    JSON.stringify({ rewardId, clientKey: randomUUID() }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("one program resolution on every surface", () => {
  it("enrolls with the variant's signup bonus and records the variant on the entry", async () => {
    for (const id of [VARIANT, CONTROL]) {
      const payload = customerPayload.parse({ id: Number(id), updated_at: NOW.toISOString() });
      await db.$transaction((tx) => ingestCustomer(tx, SHOP, payload, NOW));
    }
    const bonus = async (id: bigint) => (await entries(id)).find((e) => e.kind === "bonus");
    expect(await bonus(VARIANT)).toMatchObject({ points: 500, experimentVariants: [KEY] });
    expect(await bonus(CONTROL)).toMatchObject({ points: 50, experimentVariants: [] });
  });

  it("shows the variant's rewards on the proxy status and charges the variant's cost on redeem", async () => {
    await seedMember(db, SHOP, VARIANT, 1000);
    await seedMember(db, SHOP, CONTROL, 1000);
    const rewards = async (id: bigint) => {
      const status = await loadMemberStatus(db, SHOP, id, NOW);
      return status.member ? status.rewards.map((r) => [r.id, r.pointsCost]) : null;
    };
    expect(await rewards(VARIANT)).toEqual([
      ["five-off", 250],
      ["variant-only", 400],
    ]);
    expect(await rewards(CONTROL)).toEqual([["five-off", 500]]);
    // The widget's words and ways to earn are the member's program's too (the widgetCopy lever).
    const shown = async (id: bigint) => {
      const status = await loadMemberStatus(db, SHOP, id, NOW);
      return status.member ? [status.copy.memberGreeting, status.earn.signup] : null;
    };
    expect(await shown(VARIANT)).toEqual(["Welcome back to the club", 500]);
    expect(await shown(CONTROL)).toEqual(["", 50]); // the live signup bonus

    const cheap = await redeem(VARIANT, "five-off");
    expect(cheap).toMatchObject({ status: 201, body: { redemption: { pointsSpent: 250 } } });
    expect(await redeem(VARIANT, "variant-only")).toMatchObject({
      status: 201,
      body: { redemption: { pointsSpent: 400 }, balance: { available: 350 } },
    });
    expect((await redeem(CONTROL, "variant-only")).status).toBe(404);
    expect((await redeem(CONTROL, "five-off")).body).toMatchObject({ redemption: { pointsSpent: 500 } });

    const redemptions = await db.redemption.findMany({
      where: { shop: SHOP },
      orderBy: { createdAt: "asc" },
    });
    expect(redemptions.map((r) => [r.customerId, r.pointsCost, r.experimentVariants])).toEqual(
      expect.arrayContaining([
        [VARIANT, 250, [KEY]],
        [VARIANT, 400, [KEY]],
        [CONTROL, 500, []],
      ]),
    );
    // No variant is stored as NULL (Prisma reads it as []), as on the ledger.
    const stored = await db.$queryRaw<{ experimentVariants: string[] | null }[]>`
      SELECT "experimentVariants" FROM "Redemption" WHERE "customerId" = ${CONTROL}`;
    expect(stored).toEqual([{ experimentVariants: null }]);
    expect(await variantsOf(VARIANT, "redeem")).toEqual([[KEY], [KEY]]);
    expect(await variantsOf(CONTROL, "redeem")).toEqual([[]]);
  });

  it("returns an unused code's points under the member's own returnPointsOnExpiry, naming the variant", async () => {
    await seedMember(db, SHOP, VARIANT, 1000);
    await seedMember(db, SHOP, CONTROL, 1000);
    await redeem(VARIANT, "five-off");
    await redeem(CONTROL, "five-off");
    const later = new Date(NOW.getTime() + 400 * DAY + EXPIRY_GRACE_MS);
    expect(await expireRedemptions(db, SHOP, later, { graphql })).toMatchObject({
      expired: 2,
      pointsReturned: 250,
    });
    expect(await variantsOf(VARIANT, "redemptionReturn")).toEqual([[KEY]]);
    expect(await variantsOf(CONTROL, "redemptionReturn")).toEqual([]);
  });

  it("runs the scheduled expiry and birthday under the variant, selecting its members too", async () => {
    const earnedAt = new Date(NOW.getTime() - 40 * DAY);
    for (const id of [VARIANT, CONTROL]) {
      await db.member.create({
        // Tiers were just evaluated: only the variant's expiry and birthday make them candidates.
        data: {
          shop: SHOP,
          customerId: id,
          enrolledAt: earnedAt,
          birthdayMonth: 9,
          birthdayDay: 15,
          tierEvaluatedAt: NOW,
        },
      });
      await db.$transaction(async (tx) => {
        const member = await lockMember(tx, SHOP, id);
        await appendEntries(tx, member!, [
          {
            key: `${SHOP}:order:${id}:earn`,
            kind: "earn",
            points: 120,
            bucket: "available",
            occurredAt: earnedAt,
            programVersion: 2,
          },
        ]);
      });
    }
    await runScheduledLoyalty(db, SHOP, { now: NOW });

    const kinds = async (id: bigint) =>
      (await entries(id)).map((e) => [e.kind, e.points, e.experimentVariants]);
    expect(await kinds(VARIANT)).toEqual([
      ["earn", 120, []],
      ["expiry", -120, [KEY]],
      ["bonus", 200, [KEY]],
    ]);
    expect(await kinds(CONTROL)).toEqual([["earn", 120, []]]);
  });

  it("records the variant on a staff adjustment", async () => {
    await seedMember(db, SHOP, VARIANT, 0);
    const adjust = { shop: SHOP, points: 30, reason: "Goodwill", staffId: "staff-1", now: NOW };
    await adjustPoints(db, { ...adjust, customerId: VARIANT, adjustmentId: randomUUID() });
    expect(await variantsOf(VARIANT, "adjustment")).toEqual([[KEY]]);
  });

  it("writes the variant's tiers to the member's metafields and the perk discount's config", async () => {
    await seedMember(db, SHOP, VARIANT, 0);
    await seedMember(db, SHOP, CONTROL, 0);
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: VARIANT } },
      data: { tierId: "silver", tierValue: 700n, metafieldsDirty: true },
    });
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: CONTROL } },
      data: { tierId: "silver", tierValue: 1200n, metafieldsDirty: true },
    });
    const programs = await shopPrograms(db, SHOP, NOW);
    await syncMemberMetafields(db, SHOP, graphql, programs, { sleep: async () => undefined });
    const stored = (id: bigint) =>
      Object.fromEntries(
        metafieldsOf(emulator.store.requireShop(SHOP), `gid://shopify/Customer/${id}`).map((m) => [
          m.key,
          m.value,
        ]),
      );
    expect(stored(VARIANT).tier).toBe(`silver@${KEY}`);
    expect(JSON.parse(stored(VARIANT).progress!)).toMatchObject({ nextTierId: "gold", remaining: 1300 });
    expect(stored(CONTROL).tier).toBe("silver");
    expect(JSON.parse(stored(CONTROL).progress!)).toMatchObject({ nextTierId: "gold", remaining: 2800 });

    const { config } = await syncTierPerkDiscount(db, graphql, SHOP, programs.all, { now: NOW });
    expect(config.tiers).toEqual([
      { id: "silver", name: "Silver", perkPercent: 5, freeShipping: false },
      { id: "gold", name: "Gold", perkPercent: 10, freeShipping: true },
      { id: `silver@${KEY}`, name: "Silver", perkPercent: 15, freeShipping: false },
    ]);
    // What checkout gives each member: the function reads the tier metafield the sync wrote.
    const perk = (id: bigint) =>
      memberTier(parsePerkConfig(config)!, { customer: { loyaltyTier: { value: stored(id).tier! } } });
    expect(perk(VARIANT)?.perkPercent).toBe(15);
    expect(perk(CONTROL)?.perkPercent).toBe(5);
  });

  it("previews the member's own program on the member page and in the simulator's app state", async () => {
    await seedMember(db, SHOP, VARIANT, 0);
    await seedMember(db, SHOP, CONTROL, 0);
    const detail = (id: bigint) => loadMemberDetail(db, SHOP, id, { ledgerPage: 1, now: NOW });
    expect(await detail(VARIANT)).toMatchObject({
      experimentVariants: [KEY],
      program: { earning: { bonuses: { signup: 500 } }, expiry: { policy: "fixedAge", days: 30 } },
    });
    expect(await detail(CONTROL)).toMatchObject({
      experimentVariants: [],
      program: { earning: { bonuses: { signup: 50 } }, expiry: { policy: "none" } },
    });

    const app = await readAppState(db, SHOP, NOW);
    expect(app.programOf(String(VARIANT)).rewards.map((r) => r.pointsCost)).toEqual([250, 400]);
    expect(app.programOf(String(CONTROL)).rewards.map((r) => r.pointsCost)).toEqual([500]);
  });
});
