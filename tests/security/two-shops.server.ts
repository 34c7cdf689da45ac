import { randomUUID } from "node:crypto";
import { Session } from "@shopify/shopify-api";
import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";
import type { ProgramInput } from "~/loyalty/program";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { sessionStorage } from "~/shopify.server";
import type { Emulator } from "../../emulator/server";
import { installApp, sessionToken } from "../../emulator/testing";

// Two installed shops for the security suite. The attacker is staff (or a shopper) of shop
// A; shop B is the victim. B's rows carry "bsecret" in every text an answer could leak,
// so an answer that contains it has read B's data.

export const SHOP_A = "security-a.myshopify.com";
export const SHOP_B = "security-b.myshopify.com";
export const B_MARKER = "bsecret";

export const A_MEMBER = 77000000000001n;
export const A_REWARD = "a-reward";
export const B = {
  customerId: 99000000000001n,
  points: 48213,
  rewardId: "b-reward",
  exportId: randomUUID(),
  experimentId: randomUUID(),
  savedSegmentId: randomUUID(),
  campaignId: randomUUID(),
  redemptionClientKey: randomUUID(),
  code: "BSECRET-CODE-0001",
} as const;

const SCOPES = "read_customers,write_customers,read_orders,read_products,write_discounts,read_discounts";

const reward = (id: string, name: string): NonNullable<ProgramInput["rewards"]>[number] => ({
  id,
  name,
  value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
  pointsCost: 500,
});

async function storeOfflineSession(shop: string, accessToken: string) {
  const session = new Session({ id: `offline_${shop}`, shop, state: "", isOnline: false });
  session.accessToken = accessToken;
  session.scope = SCOPES;
  await sessionStorage.storeSession(session);
}

/** Installs both shops in the emulator and the app, and seeds B with data worth stealing. */
export async function seedTwoShops(db: PrismaClient, emulator: Emulator) {
  for (const shop of [SHOP_A, SHOP_B]) {
    if (!emulator.store.findShop(shop)) emulator.store.createShop({ domain: shop });
    await storeOfflineSession(shop, await installApp(emulator, shop));
  }
  await seedProgram(db, SHOP_A, { rewards: [reward(A_REWARD, "A reward")] });
  await seedMember(db, SHOP_A, A_MEMBER, 0);

  await seedProgram(db, SHOP_B, { rewards: [reward(B.rewardId, "Bsecret reward")] });
  await db.customer.create({
    data: {
      shop: SHOP_B,
      id: B.customerId,
      email: "bsecret-customer@example.com",
      firstName: "Bsecret",
      lastName: "Victim",
    },
  });
  await seedMember(db, SHOP_B, B.customerId, B.points);
  await db.order.create({
    data: {
      shop: SHOP_B,
      id: 99000000000101n,
      customerId: B.customerId,
      name: "#BSECRET-1001",
      email: "bsecret-customer@example.com",
      currencyCode: "USD",
      subtotalMinor: 4200n,
      totalMinor: 4990n,
    },
  });
  await db.dataExport.create({
    data: {
      id: B.exportId,
      shop: SHOP_B,
      customerId: B.customerId,
      customerEmail: "bsecret-export@example.com",
      data: { customer: { email: "bsecret-export@example.com", note: "bsecret personal data" } },
    },
  });
  await db.experiment.create({
    data: {
      id: B.experimentId,
      shop: SHOP_B,
      key: "bsecret-experiment",
      name: "Bsecret experiment",
      lever: "earnRate",
      salt: "bsecret-salt",
      primaryMetric: "netRevenue",
      variants: {
        create: [
          { key: "control", name: "Control", weight: 50, control: true, position: 0 },
          {
            key: "bsecret",
            name: "Bsecret variant",
            weight: 50,
            override: { earning: { pointsPerCurrencyUnit: 7 } },
            position: 1,
          },
        ],
      },
    },
  });
  await db.campaign.create({
    data: {
      id: B.campaignId,
      shop: SHOP_B,
      name: "Bsecret campaign",
      kind: "trigger",
      trigger: "tierUpgrade",
      subject: "Bsecret subject",
      body: "bsecret message",
    },
  });
  await db.savedSegment.create({
    data: {
      id: B.savedSegmentId,
      shop: SHOP_B,
      name: "Bsecret segment",
      description: "bsecret members",
      conditions: {
        version: 1,
        segments: [],
        tiers: [],
        minPoints: 1,
        maxPoints: null,
        tags: [],
        minClvMinor: null,
        maxClvMinor: null,
        minPAlive: null,
        maxPAlive: null,
        minChurnRisk: null,
        atRiskOnly: false,
        personas: [],
      },
    },
  });
  await db.redemption.create({
    data: {
      shop: SHOP_B,
      customerId: B.customerId,
      rewardId: B.rewardId,
      reward: { name: "Bsecret reward" },
      pointsCost: 500,
      programVersion: 1,
      status: "issued",
      clientKey: B.redemptionClientKey,
      code: B.code,
    },
  });
}

/** Session tokens as Shopify admin hands them to the app, valid or broken in one way each. */
export function adminToken(
  shop: string,
  broken?: "forged" | "expired" | "wrongAudience" | "unsigned" | "notYetValid",
) {
  const { SHOPIFY_API_KEY: apiKey, SHOPIFY_API_SECRET: secret } = env();
  const now = Date.now();
  switch (broken) {
    case undefined:
      return sessionToken(shop, { apiKey, secret });
    case "forged":
      return sessionToken(shop, { apiKey, secret: "not-the-app-secret" });
    case "expired":
      return sessionToken(shop, { apiKey, secret, nowMs: now - 5 * 60_000 });
    case "notYetValid":
      return sessionToken(shop, { apiKey, secret, nowMs: now + 5 * 60_000 });
    case "wrongAudience":
      return sessionToken(shop, { apiKey: "another-apps-client-id", secret });
    case "unsigned": {
      const [, payload] = sessionToken(shop, { apiKey, secret }).split(".");
      return `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    }
  }
}

/** The `host` query parameter Shopify admin adds to embedded URLs (base64 of the admin address). */
export function hostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64");
}
