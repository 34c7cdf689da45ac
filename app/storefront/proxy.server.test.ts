import { randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { appendEntries, lockMember } from "~/loyalty/services/ledger.server";
import type { ProgramInput } from "~/loyalty/program";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { redis } from "~/redis.server";
import { action as birthdayAction } from "~/routes/proxy.birthday";
import { action as redeemAction, loader as redeemLoader } from "~/routes/proxy.redeem";
import { loader as statusLoader } from "~/routes/proxy.status";
import { routeShopifyTo } from "~/shopify/emulator-origin.server";
import { sessionStorage } from "~/shopify.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { discountsOf } from "../../emulator/graphql/discounts";
import type { Emulator } from "../../emulator/server";
import { installApp, startTestEmulator } from "../../emulator/testing";
import { proxyDeps } from "./proxy-deps.server";
import { proxySignature, signedProxyQuery } from "./proxy-signature";
import { proxyRedeem } from "./proxy.server";
import { redeemRateKey } from "./rate-limit.server";

// The app proxy routes as Shopify calls them: signed queries, the library's HMAC check,
// the real database, Redis and (for codes) the emulator behind the library's admin client.

const db = prisma();
const SHOP = "proxy-routes.myshopify.com";
const SECRET = "test-api-secret"; // tests/setup/env.ts
const MEMBER = 8101n;
const NEWCOMER = 8102n;

const REWARDS: ProgramInput["rewards"] = [
  {
    id: "five-off",
    name: "$5 off",
    value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
    pointsCost: 500,
  },
  { id: "ship", name: "Free shipping", value: { kind: "freeShipping" }, pointsCost: 300, perMemberLimit: 1 },
  {
    id: "big",
    name: "$50 off",
    value: { kind: "fixedAmount", amount: { amountMinor: 5000, currency: "USD" } },
    pointsCost: 5000,
    minimumSubtotal: { amountMinor: 10000, currency: "USD" },
  },
];
const TIERS: ProgramInput["tiers"] = {
  basis: "points",
  levels: [
    { id: "bronze", name: "Bronze", threshold: 0, benefits: { perkPercent: 0 } },
    { id: "silver", name: "Silver", threshold: 1000, benefits: { perkPercent: 5 } },
    { id: "gold", name: "Gold", threshold: 4000, benefits: { perkPercent: 10, freeShipping: true } },
  ],
};

let emulator: Emulator;
let token: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  routeShopifyTo(emulator.url);
  token = await installApp(emulator, SHOP);
});
afterAll(() => emulator.close());

beforeEach(async () => {
  await resetDatabase(db);
  await redis().del(redeemRateKey(SHOP, MEMBER), redeemRateKey(SHOP, NEWCOMER));
  emulator.store.resetShop(SHOP);
  emulator.store.addCustomers(SHOP, [{ id: Number(MEMBER), email: "mia@example.com" }]);
  const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false });
  session.accessToken = token;
  session.scope = "read_customers,write_customers,read_orders,read_products,write_discounts,read_discounts";
  await sessionStorage.storeSession(session);
  await seedProgram(db, SHOP, { rewards: REWARDS, tiers: TIERS });
  await seedMember(db, SHOP, MEMBER, 1250);
  await db.member.update({
    where: { shop_customerId: { shop: SHOP, customerId: MEMBER } },
    data: { tierId: "silver", tierValue: 1250n },
  });
});

type Query = Parameters<typeof signedProxyQuery>[0];
function proxyUrl(path: string, overrides: Partial<Query> = {}, mutate?: (q: URLSearchParams) => void) {
  const query = signedProxyQuery({ shop: SHOP, customerId: MEMBER, secret: SECRET, ...overrides });
  mutate?.(query);
  return `https://app.example.com/proxy/${path}?${query}`;
}
const args = (request: Request) => ({ request, params: {}, context: {} });
const status = (url = proxyUrl("status")) => statusLoader(args(new Request(url)));
const redeem = (body: unknown, url = proxyUrl("redeem")) =>
  redeemAction(
    args(
      new Request(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    ),
  );

async function expectError(response: Response, httpStatus: number, code: string) {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(response.status, JSON.stringify(body)).toBe(httpStatus);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(response.headers.get("Cache-Control")).toBe("private, no-store");
  return body.error as Record<string, unknown>;
}

describe("proxy signature", () => {
  it("accepts Shopify's signature and answers personal, uncacheable JSON", async () => {
    const response = await status();
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("private, no-store");
    expect(response.headers.get("Vary")).toContain("Accept");
  });

  it("refuses a signature made with another secret", async () => {
    await expectError(await status(proxyUrl("status", { secret: "someone-else" })), 401, "invalid_signature");
  });

  it("refuses a query changed after signing (another customer)", async () => {
    const url = proxyUrl("status", {}, (q) => q.set("logged_in_customer_id", String(NEWCOMER)));
    await expectError(await status(url), 401, "invalid_signature");
  });

  it("refuses a missing signature", async () => {
    await expectError(
      await status(proxyUrl("status", {}, (q) => q.delete("signature"))),
      401,
      "invalid_signature",
    );
  });

  it("refuses a stale timestamp even when correctly signed", async () => {
    const stale = Math.trunc(Date.now() / 1000) - 91;
    const error = await expectError(
      await status(proxyUrl("status", { timestamp: stale })),
      401,
      "invalid_signature",
    );
    expect(error.message).toMatch(/stale/);
    const fresh = Math.trunc(Date.now() / 1000) - 60;
    expect((await status(proxyUrl("status", { timestamp: fresh }))).status).toBe(200);
  });

  it("refuses a duplicated parameter, even one whose comma-joined value was signed", async () => {
    // Signed as logged_in_customer_id=8101,8102: a valid HMAC that Shopify would never produce.
    const duplicated = signedProxyQuery({ shop: SHOP, customerId: MEMBER, secret: SECRET });
    duplicated.append("logged_in_customer_id", String(NEWCOMER));
    duplicated.set("signature", proxySignature(duplicated, SECRET));
    const error = await expectError(
      await status(`https://app.example.com/proxy/status?${duplicated}`),
      401,
      "invalid_signature",
    );
    expect(error.message).toMatch(/more than once/);
    const twoShops = proxyUrl("status", {}, (q) => q.append("shop", "other.myshopify.com"));
    await expectError(await status(twoShops), 401, "invalid_signature");
  });
});

describe("GET status", () => {
  it("gives a member balance, tier progress, rewards with affordability and activity", async () => {
    await db.$transaction(async (tx) => {
      const member = await lockMember(tx, SHOP, MEMBER);
      await appendEntries(tx, member!, [
        {
          key: `${SHOP}:order:1001:earn`,
          kind: "earn",
          points: 300,
          bucket: "pending",
          occurredAt: new Date("2025-06-02T10:00:00Z"),
          availableAt: new Date("2099-01-01T00:00:00Z"),
          programVersion: 2,
          orderId: 1001n,
        },
      ]);
    });
    await db.order.create({
      data: {
        shop: SHOP,
        id: 1001n,
        name: "#1001",
        currencyCode: "USD",
        subtotalMinor: 30000n,
        totalMinor: 30000n,
      },
    });
    const body = await (await status()).json();
    expect(body).toMatchObject({
      member: true,
      currency: "USD",
      balance: { available: 1250, pending: 300 },
      tier: {
        basis: "points",
        current: { id: "silver", name: "Silver", perkPercent: 5, freeShipping: false },
        next: { id: "gold", name: "Gold", threshold: 4000 },
        value: 1250,
        remaining: 2750,
        fraction: 0.3125,
      },
    });
    expect(
      body.rewards.map((r: { id: string; affordable: boolean; shortBy: number }) => [
        r.id,
        r.affordable,
        r.shortBy,
      ]),
    ).toEqual([
      ["five-off", true, 0],
      ["ship", true, 0],
      ["big", false, 3750],
    ]);
    // What the widget needs to sell the program to a member: the reward they are saving
    // for, each reward's conditions, the ways to earn and the program's own words.
    expect(body.nextReward).toEqual({
      id: "big",
      name: "$50 off",
      pointsCost: 5000,
      remaining: 3750,
      fraction: 0.25,
    });
    expect(body.rewards[2]).toMatchObject({
      minimumSubtotal: { amountMinor: 10000, currency: "USD" },
      perMemberLimit: null,
      availableUntil: null,
    });
    expect(body.rewards[1]).toMatchObject({ perMemberLimit: 1, minimumSubtotal: null });
    expect(body.earn).toEqual({
      pointsPerCurrencyUnit: 1,
      signup: 0,
      firstOrder: 0,
      birthday: 0,
      campaigns: [],
    });
    expect(body.copy).toEqual({ guestPitch: "", memberGreeting: "", callToAction: "" });
    expect(body.activity[0]).toEqual({
      id: `${SHOP}:order:1001:earn`,
      kind: "earn",
      points: 300,
      bucket: "pending",
      occurredAt: "2025-06-02T10:00:00.000Z",
      orderName: "#1001",
    });
    expect(body.activity[1]).toMatchObject({ kind: "bonus", points: 1250, bucket: "available" });
    expect(body.activity[1].orderName).toBeUndefined();
  });

  it("tells the widget whether the member has given a birthday, and which", async () => {
    expect((await (await status()).json()).birthday).toBeNull();
    const saved = await birthdayAction(
      args(
        new Request(proxyUrl("birthday"), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ month: 11, day: 3 }),
        }),
      ),
    );
    expect(saved.status).toBe(200);
    expect((await (await status()).json()).birthday).toEqual({ month: 11, day: 3 });
  });

  it("marks a reward whose per-member limit is used up as not affordable", async () => {
    expect((await redeem({ rewardId: "ship", clientKey: randomUUID() })).status).toBe(201);
    const body = await (await status()).json();
    const ship = body.rewards.find((r: { id: string }) => r.id === "ship");
    expect(ship).toMatchObject({ available: true, affordable: false, shortBy: 0 });
  });

  it("answers a guest with login_required and what joining gives", async () => {
    const error = await expectError(
      await status(proxyUrl("status", { customerId: null })),
      401,
      "login_required",
    );
    expect(error.join).toMatchObject({
      currency: "USD",
      enrollment: "automatic",
      pointsPerCurrencyUnit: 1,
      signupBonus: 0,
      earn: { pointsPerCurrencyUnit: 1, signup: 0, firstOrder: 0, birthday: 0, campaigns: [] },
      copy: { guestPitch: "", memberGreeting: "", callToAction: "" },
    });
    // The guest view sells the program: every reward with its conditions, and the tiers.
    const join = error.join as { rewards: Array<{ id: string }>; tiers: unknown };
    expect(join.rewards.map((r: { id: string }) => r.id)).toEqual(["five-off", "ship", "big"]);
    expect(join.rewards[2]).toMatchObject({
      name: "$50 off",
      pointsCost: 5000,
      minimumSubtotal: { amountMinor: 10000, currency: "USD" },
      available: true,
    });
    expect(join.tiers).toEqual({
      basis: "points",
      levels: [
        {
          id: "bronze",
          name: "Bronze",
          threshold: 0,
          perkPercent: 0,
          freeShipping: false,
          earnMultiplier: 1,
        },
        {
          id: "silver",
          name: "Silver",
          threshold: 1000,
          perkPercent: 5,
          freeShipping: false,
          earnMultiplier: 1,
        },
        { id: "gold", name: "Gold", threshold: 4000, perkPercent: 10, freeShipping: true, earnMultiplier: 1 },
      ],
    });
  });

  it("tells a logged-in customer who is not a member yet, and an excluded one", async () => {
    expect(await (await status(proxyUrl("status", { customerId: NEWCOMER }))).json()).toEqual({
      member: false,
      reason: "notEnrolled",
      currency: "USD",
    });
    await db.member.update({
      where: { shop_customerId: { shop: SHOP, customerId: MEMBER } },
      data: { status: "excluded", statusReason: "staff" },
    });
    expect(await (await status()).json()).toEqual({ member: false, reason: "excluded", currency: "USD" });
  });

  it("only serves GET", async () => {
    const { action } = await import("~/routes/proxy.status");
    const response = await action(args(new Request(proxyUrl("status"), { method: "POST" })));
    expect(response.status).toBe(405);
    expect((await redeemLoader(args(new Request(proxyUrl("redeem"))))).status).toBe(405);
  });
});

describe("POST redeem", () => {
  it("redeems through the saga: a code in Shopify for this customer, the balance after", async () => {
    const response = await redeem({ rewardId: "five-off", clientKey: randomUUID() });
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(201);
    expect(body.redemption).toMatchObject({
      rewardId: "five-off",
      rewardName: "$5 off",
      pointsSpent: 500,
      replayed: false,
    });
    expect(body.redemption.code).toMatch(/^LOY-/);
    expect(body.redemption.expiresAt).toEqual(expect.any(String));
    expect(body.balance).toEqual({ available: 750, pending: 0 });
    const codes = [...discountsOf(emulator.store.requireShop(SHOP)).byId.values()].map((d) => d.code);
    expect(codes).toEqual([body.redemption.code]);
  });

  it("is idempotent on the client key: the same answer, one code, one debit", async () => {
    const clientKey = randomUUID();
    const first = await (await redeem({ rewardId: "five-off", clientKey })).json();
    const again = await redeem({ rewardId: "five-off", clientKey });
    expect(again.status).toBe(200);
    const body = await again.json();
    expect(body.redemption).toEqual({ ...first.redemption, replayed: true });
    expect(body.balance).toEqual({ available: 750, pending: 0 });
    expect(discountsOf(emulator.store.requireShop(SHOP)).byId.size).toBe(1);
    expect(await db.redemption.count({ where: { shop: SHOP } })).toBe(1);
    const reused = await redeem({ rewardId: "ship", clientKey });
    await expectError(reused, 409, "key_reused");
  });

  it("says how many points are missing, and writes nothing", async () => {
    const error = await expectError(
      await redeem({ rewardId: "big", clientKey: randomUUID() }),
      422,
      "insufficient_points",
    );
    expect(error.shortBy).toBe(3750);
    expect(await db.redemption.count({ where: { shop: SHOP } })).toBe(0);
    const member = await db.member.findUniqueOrThrow({
      where: { shop_customerId: { shop: SHOP, customerId: MEMBER } },
    });
    expect(member.availablePoints).toBe(1250);
  });

  it("checks a sent cart subtotal against the reward's minimum", async () => {
    await seedMember(db, SHOP, NEWCOMER, 6000);
    const url = proxyUrl("redeem", { customerId: NEWCOMER });
    const error = await expectError(
      await redeem({ rewardId: "big", clientKey: randomUUID(), cartSubtotalMinor: 9999 }, url),
      422,
      "below_minimum_subtotal",
    );
    expect(error.minimumSubtotal).toEqual({ amountMinor: 10000, currency: "USD" });
  });

  it("answers unknown rewards, bad bodies, guests and non-members clearly", async () => {
    await expectError(await redeem({ rewardId: "nope", clientKey: randomUUID() }), 404, "reward_not_found");
    const invalid = await expectError(
      await redeem({ rewardId: "five-off", clientKey: "1" }),
      400,
      "invalid_request",
    );
    expect(invalid.fields).toHaveProperty("clientKey");
    await expectError(await redeem("{not json"), 400, "invalid_request");
    await expectError(
      await redeem(
        { rewardId: "five-off", clientKey: randomUUID() },
        proxyUrl("redeem", { customerId: null }),
      ),
      401,
      "login_required",
    );
    await expectError(
      await redeem(
        { rewardId: "five-off", clientKey: randomUUID() },
        proxyUrl("redeem", { customerId: NEWCOMER }),
      ),
      403,
      "not_member",
    );
  });

  it("rate-limits a customer to 5 redemptions a minute with Retry-After", async () => {
    for (let i = 0; i < 5; i++) {
      const response = await redeem({ rewardId: "big", clientKey: randomUUID() });
      expect(response.status).toBe(422);
    }
    const limited = await redeem({ rewardId: "five-off", clientKey: randomUUID() });
    const error = await expectError(limited, 429, "rate_limited");
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(error.retryAfterSeconds).toBe(retryAfter);
    expect(await db.redemption.count({ where: { shop: SHOP } })).toBe(0);
    // Another customer has their own allowance.
    await seedMember(db, SHOP, NEWCOMER, 600);
    emulator.store.addCustomers(SHOP, [{ id: Number(NEWCOMER) }]);
    const other = await redeem(
      { rewardId: "five-off", clientKey: randomUUID() },
      proxyUrl("redeem", { customerId: NEWCOMER }),
    );
    expect(other.status).toBe(201);
  });
});

describe("untrusted input (issue 11 #8)", () => {
  it("answers 400 to a signed logged_in_customer_id beyond bigint (was a 500)", async () => {
    for (const customerId of ["9223372036854775808", "99999999999999999999"]) {
      const error = await expectError(
        await status(proxyUrl("status", { customerId })),
        400,
        "invalid_request",
      );
      expect(error.fields).toEqual({ logged_in_customer_id: "Not a customer id." });
      await expectError(
        await redeem({ rewardId: "five-off", clientKey: randomUUID() }, proxyUrl("redeem", { customerId })),
        400,
        "invalid_request",
      );
    }
    // The largest bigint is a customer id like any other (not a member here).
    const largest = await status(proxyUrl("status", { customerId: "9223372036854775807" }));
    expect(largest.status).toBe(200);
  });

  it("refuses a redeem body over 16 KB with 413 before reading it, and writes nothing", async () => {
    const body = JSON.stringify({ rewardId: "five-off", clientKey: randomUUID(), pad: "x".repeat(20 << 20) });
    const error = await expectError(await redeem(body), 413, "invalid_request");
    expect(error.message).toContain("16 KB");
    expect(await db.redemption.count()).toBe(0);
  });

  it("answers a replay in the same millisecond as a replay (was 201 replayed:false)", async () => {
    const at = new Date();
    const clientKey = randomUUID();
    const send = () =>
      proxyRedeem(
        new Request(proxyUrl("redeem"), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ rewardId: "five-off", clientKey }),
        }),
        { ...proxyDeps(), now: () => at },
      );
    const first = await send();
    expect(first.status).toBe(201);
    const again = await send();
    expect(again.status).toBe(200);
    expect(((await again.json()) as { redemption: { replayed: boolean } }).redemption.replayed).toBe(true);
    expect(await db.redemption.count()).toBe(1);
  });
});
