import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { appendEntries, lockMember } from "~/loyalty/services/ledger.server";
import { shopPrograms } from "~/loyalty/services/member-program.server";
import { emulatorGraphql, seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { planFaults } from "../../emulator/graphql/faults";
import { metafieldsOf } from "../../emulator/graphql/metafields";
import type { Emulator } from "../../emulator/server";
import { adminQuery, installApp, startTestEmulator, TEST_API_KEY } from "../../emulator/testing";
import type { AdminGraphql } from "./graphql.server";
import { MetafieldSyncInterrupted, NO_TIER, syncMemberMetafields } from "./metafields.server";

const db = prisma();
const SHOP = "metafields-test.myshopify.com";
const MEMBERS = 40;
const FIRST = 5001n;
const customers = Array.from({ length: MEMBERS }, (_, i) => FIRST + BigInt(i));

// A tiny bucket: 30 points, 30 restored per second, so 40 members (5 calls of 10 points
// each) cannot all go at once, and a competitor draining it forces THROTTLED answers.
let emulator: Emulator;
let token: string;
let graphql: AdminGraphql;

beforeAll(async () => {
  emulator = await startTestEmulator({
    throttle: { maximumAvailable: 30, restoreRate: 30, singleQueryMaxCost: 25 },
  });
  emulator.store.createShop({ domain: SHOP });
  token = await installApp(emulator, SHOP);
  graphql = emulatorGraphql(emulator, token);
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  emulator.store.resetShop(SHOP);
  emulator.store.addCustomers(
    SHOP,
    customers.map((id) => ({ id: Number(id) })),
  );
  await seedProgram(db, SHOP, {
    tiers: {
      basis: "spend",
      levels: [
        { id: "silver", name: "Silver", threshold: 10_000 },
        { id: "gold", name: "Gold", threshold: 50_000 },
      ],
    },
  });
  for (const [i, id] of customers.entries()) await seedMember(db, SHOP, id, 10 * (i + 1));
  await db.member.update({
    where: { shop_customerId: { shop: SHOP, customerId: FIRST } },
    data: { tierId: "silver", tierValue: 20_000n },
  });
});

const stored = (customerId: bigint) =>
  Object.fromEntries(
    metafieldsOf(emulator.store.requireShop(SHOP), `gid://shopify/Customer/${customerId}`).map((m) => [
      m.key,
      { namespace: m.namespace, type: m.type, value: m.value },
    ]),
  );
const programs = () => shopPrograms(db, SHOP, new Date());
const dirtyCount = () => db.member.count({ where: { shop: SHOP, metafieldsDirty: true } });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("syncMemberMetafields", () => {
  it("writes balance, tier and progress for every dirty member through a tiny bucket, honouring THROTTLED", async () => {
    let sets = 0;
    let throttledAnswers = 0;
    const waits: number[] = [];
    const competing: AdminGraphql = async (query, options) => {
      // Before our second write another client of the same app empties the bucket.
      if (query.includes("metafieldsSet") && ++sets === 2) {
        while ((await adminQuery(emulator, token, "{ shop { id } }")).body.errors === undefined);
      }
      const response = await graphql(query, options);
      const body = (await response.clone().json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      if (body.errors?.some((e) => e.extensions?.code === "THROTTLED")) throttledAnswers += 1;
      return response;
    };
    const summary = await syncMemberMetafields(db, SHOP, competing, await programs(), {
      sleep: async (ms) => {
        waits.push(ms);
        await sleep(ms);
      },
    });
    expect(summary).toMatchObject({ synced: MEMBERS, changedMeanwhile: 0, refused: 0 });
    expect(summary.throttled).toBeGreaterThanOrEqual(1);
    // It waited for the bucket after THROTTLED instead of hammering: one refusal, then success.
    expect(throttledAnswers).toBe(summary.throttled);
    expect(throttledAnswers).toBeLessThanOrEqual(2);
    expect(waits.every((ms) => ms > 0)).toBe(true);
    expect(await dirtyCount()).toBe(0);

    const namespace = `app--${TEST_API_KEY}`;
    expect(stored(FIRST)).toEqual({
      balance: { namespace, type: "number_integer", value: "10" },
      tier: { namespace, type: "single_line_text_field", value: "silver" },
      progress: { namespace, type: "json", value: expect.any(String) },
    });
    expect(JSON.parse(stored(FIRST).progress!.value)).toEqual({
      tierId: "silver",
      tierName: "Silver",
      nextTierId: "gold",
      nextTierName: "Gold",
      remaining: 30_000,
      fraction: 0.4,
      basis: "spend",
    });
    const last = customers.at(-1)!;
    expect(stored(last).balance!.value).toBe(String(10 * MEMBERS));
    expect(stored(last).tier!.value).toBe(NO_TIER);
    expect(JSON.parse(stored(last).progress!.value)).toMatchObject({
      nextTierId: "silver",
      remaining: 10_000,
      fraction: 0,
    });
  });

  it("keeps a member dirty when its balance changed while the write was in flight, and writes it next run", async () => {
    const changed = FIRST + 3n;
    let first = true;
    const racing: AdminGraphql = async (query, options) => {
      if (first && query.includes("metafieldsSet")) {
        first = false;
        await db.$transaction(async (tx) => {
          const member = await lockMember(tx, SHOP, changed);
          await appendEntries(tx, member!, [
            {
              key: `${SHOP}:race`,
              kind: "bonus",
              points: 500,
              bucket: "available",
              occurredAt: new Date(),
              programVersion: 1,
            },
          ]);
        });
      }
      return graphql(query, options);
    };
    const summary = await syncMemberMetafields(db, SHOP, racing, await programs());
    expect(summary).toMatchObject({ synced: MEMBERS - 1, changedMeanwhile: 1 });
    expect(
      await db.member.findMany({ where: { metafieldsDirty: true }, select: { customerId: true } }),
    ).toEqual([{ customerId: changed }]);
    expect(stored(changed).balance!.value).toBe("40");
    expect(await syncMemberMetafields(db, SHOP, graphql, await programs())).toMatchObject({ synced: 1 });
    expect(stored(changed).balance!.value).toBe("540");
    expect(await dirtyCount()).toBe(0);
  });

  it("writes the others when Shopify refuses one member, and keeps that one dirty", async () => {
    const ghost = 9999n;
    await seedMember(db, SHOP, ghost, 5);
    const summary = await syncMemberMetafields(db, SHOP, graphql, await programs());
    expect(summary).toMatchObject({ synced: MEMBERS, refused: 1 });
    expect(
      await db.member.findMany({ where: { metafieldsDirty: true }, select: { customerId: true } }),
    ).toEqual([{ customerId: ghost }]);
  });

  it("gives up after repeated 5xx with every member still dirty (the job retries)", async () => {
    planFaults(emulator.store.requireShop(SHOP), {
      mutations: ["metafieldsSet"],
      kind: "serverError",
      count: 3,
    });
    await expect(
      syncMemberMetafields(db, SHOP, graphql, await programs(), {
        maxRetries: 2,
        sleep: async () => undefined,
      }),
    ).rejects.toBeInstanceOf(MetafieldSyncInterrupted);
    expect(await dirtyCount()).toBe(MEMBERS);
    expect(await syncMemberMetafields(db, SHOP, graphql, await programs())).toMatchObject({
      synced: MEMBERS,
    });
  });
});
