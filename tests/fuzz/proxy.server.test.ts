import { randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { ProgramInput } from "~/loyalty/program";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { routeShopifyTo } from "~/shopify/emulator-origin.server";
import { sessionStorage } from "~/shopify.server";
import { proxyDeps } from "~/storefront/proxy-deps.server";
import { signedProxyQuery } from "~/storefront/proxy-signature";
import { proxyRedeem, proxyStatus } from "~/storefront/proxy.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../emulator/server";
import { installApp, startTestEmulator } from "../../emulator/testing";
import {
  expectLedgerConsistent,
  fuzzParams,
  nastyNumber,
  nastyString,
  nastyValue,
  FUZZ_TEST_TIMEOUT_MS,
} from "./support";

// The app proxy's parameters and bodies at random, signed as Shopify signs them so they
// get past the signature check: the signed customer id, extra signed parameters, and the
// redeem body. No answer is a 5xx (PostgreSQL, Redis and the emulated Shopify are up),
// every refusal has a message, and after every request the ledger matches the balances
// and each redemption has exactly its one debit.

const db = prisma();
const SHOP = "fuzz-proxy.myshopify.com";
const SECRET = "test-api-secret"; // tests/setup/env.ts
const MEMBER = 8201n;
const REWARDS: ProgramInput["rewards"] = [
  {
    id: "five-off",
    name: "$5 off",
    value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
    pointsCost: 50,
  },
  { id: "ship", name: "Free shipping", value: { kind: "freeShipping" }, pointsCost: 30, perMemberLimit: 2 },
  {
    id: "big",
    name: "$50 off",
    value: { kind: "fixedAmount", amount: { amountMinor: 5000, currency: "USD" } },
    pointsCost: 500,
    minimumSubtotal: { amountMinor: 10000, currency: "USD" },
  },
];
const NO_RATE_LIMIT = { limit: 1_000_000, windowMs: 60_000 };

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emulator.store.createShop({ domain: SHOP });
  routeShopifyTo(emulator.url);
  const token = await installApp(emulator, SHOP);
  await resetDatabase(db);
  emulator.store.addCustomers(SHOP, [{ id: Number(MEMBER), email: "fuzz@example.com" }]);
  const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false });
  session.accessToken = token;
  session.scope = "read_customers,write_customers,read_orders,read_products,write_discounts,read_discounts";
  await sessionStorage.storeSession(session);
  await seedProgram(db, SHOP, { rewards: REWARDS });
  await seedMember(db, SHOP, MEMBER, 1_000_000);
});
afterAll(() => emulator.close());

const customerIds = fc.oneof(
  { arbitrary: fc.constant(String(MEMBER)), weight: 3 },
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
  fc.constantFrom("", "0", "-1", "01", "9223372036854775807", "9223372036854775808", "1e3", " 1", "1,2"),
  nastyString,
);
const extraParams = fc.array(
  fc.tuple(
    nastyString.filter((k) => k.length > 0 && !["signature", "shop", "timestamp"].includes(k)),
    nastyString,
  ),
  { maxLength: 3 },
);

function signedUrl(path: string, customerId: string, extra: [string, string][]) {
  // Shopify never sends a parameter twice; the duplicate check has its own tests.
  const unique = [...new Map(extra.filter(([k]) => k !== "logged_in_customer_id")).entries()];
  const query = signedProxyQuery({ shop: SHOP, customerId, secret: SECRET, extra: unique });
  return `https://app.example.com/proxy/${path}?${query}`;
}

/** Every status seen, so a suite that only ever got 401s (nothing past the signature) fails. */
const seen = new Set<number>();

async function expectNoServerError(response: Response) {
  seen.add(response.status);
  const text = await response.text();
  expect(response.status, text).toBeLessThan(500);
  const body = JSON.parse(text) as { error?: { message?: string } };
  if (response.status >= 400) expect(body.error?.message?.length, text).toBeGreaterThan(5);
  expect(response.headers.get("Cache-Control")).toBe("private, no-store");
}

async function expectOneDebitPerRedemption() {
  const [row] = await db.$queryRaw<{ redemptions: number; debits: number }[]>`
    SELECT (SELECT count(*)::int FROM "Redemption" WHERE "shop" = ${SHOP}) AS redemptions,
      (SELECT count(*)::int FROM "LedgerEntry" WHERE "shop" = ${SHOP} AND "kind" = 'redeem') AS debits`;
  expect(row!.debits).toBe(row!.redemptions);
  await expectLedgerConsistent(db, SHOP);
}

describe("app proxy fuzz", () => {
  it(
    "GET status answers any signed customer id and extra parameters without a 5xx",
    async () => {
      await fc.assert(
        fc.asyncProperty(customerIds, extraParams, async (customerId, extra) => {
          const response = await proxyStatus(
            new Request(signedUrl("status", customerId, extra)),
            proxyDeps(),
          );
          await expectNoServerError(response);
        }),
        fuzzParams(),
      );
      expect(seen).toContain(200);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    "POST redeem answers any signed body without a 5xx, and never debits without a redemption",
    async () => {
      const body = fc.oneof(
        fc
          .record(
            {
              rewardId: fc.oneof(fc.constantFrom("five-off", "ship", "big"), nastyString),
              clientKey: fc.oneof(fc.uuid(), nastyString),
              cartSubtotalMinor: fc.oneof(nastyNumber, fc.constant(null)),
              extra: nastyValue,
            },
            { requiredKeys: [] },
          )
          .map((value) => JSON.stringify(value)),
        nastyValue.map((value) => JSON.stringify(value) ?? ""),
        nastyString,
      );
      await fc.assert(
        fc.asyncProperty(customerIds, body, fc.boolean(), async (customerId, text, replay) => {
          const send = () =>
            proxyRedeem(
              new Request(signedUrl("redeem", customerId, []), {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: text,
              }),
              { ...proxyDeps(), rateLimit: NO_RATE_LIMIT },
            );
          await expectNoServerError(await send());
          if (replay) await expectNoServerError(await send());
          await expectOneDebitPerRedemption();
        }),
        fuzzParams(),
      );
      expect(seen).toContain(400);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    "a valid redemption and its replays are one redemption, one debit",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("five-off", "ship"),
          fc.integer({ min: 1, max: 3 }),
          async (rewardId, n) => {
            const clientKey = randomUUID();
            const statuses: number[] = [];
            for (let i = 0; i < n; i++) {
              const response = await proxyRedeem(
                new Request(signedUrl("redeem", String(MEMBER), []), {
                  method: "POST",
                  body: JSON.stringify({ rewardId, clientKey }),
                }),
                { ...proxyDeps(), rateLimit: NO_RATE_LIMIT },
              );
              statuses.push(response.status);
              await expectNoServerError(response);
            }
            // The first answer decides (201 new, or 422 once the limit is used); replays repeat it.
            if (statuses[0] === 201) expect(statuses.slice(1).every((s) => s === 200)).toBe(true);
            expect(await db.redemption.count({ where: { clientKey } })).toBe(statuses[0] === 201 ? 1 : 0);
            await expectOneDebitPerRedemption();
          },
        ),
        fuzzParams(),
      );
      expect(seen).toContain(201);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
