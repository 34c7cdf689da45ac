import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { redis } from "~/redis.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import { proxyDeps } from "./proxy-deps.server";
import { signedProxyQuery } from "./proxy-signature";
import { proxyInbox } from "./proxy.server";
import { inboxRateKey } from "./rate-limit.server";

// GET and POST /apps/loyalty/inbox on the real database and Redis, with Shopify's proxy
// signature checked by the library: expiry, the page size, scoping, the rate limit and
// the body's limits. (The path from a trigger to a message: app/campaigns/inbox.e2e.server.test.ts.)

const db = prisma();
const SHOP = "inbox-proxy.myshopify.com";
const SECRET = "test-api-secret"; // tests/setup/env.ts
const ANA = 9101n;
const BEN = 9102n;
const NOW = new Date();

beforeEach(async () => {
  await resetDatabase(db);
  await redis().del(inboxRateKey(SHOP, ANA), inboxRateKey(SHOP, BEN));
});

let n = 0;
async function message(customerId: bigint, data: { createdAt?: Date; expiresAt?: Date; readAt?: Date } = {}) {
  n += 1;
  const campaign = await db.campaign.create({
    data: { shop: SHOP, name: `c${n}`, kind: "trigger", trigger: "tierUpgrade", subject: "s", body: "b" },
  });
  const send = await db.campaignSend.create({
    data: {
      shop: SHOP,
      campaignId: campaign.id,
      customerId,
      occurrence: `o${n}`,
      channel: "inbox",
      status: "sent",
    },
  });
  return db.inboxMessage.create({
    data: {
      shop: SHOP,
      customerId,
      sendId: send.id,
      title: `Message ${n}`,
      body: "Hello",
      createdAt: data.createdAt ?? new Date(NOW.getTime() - (100 - n) * 60_000),
      expiresAt: data.expiresAt ?? new Date(NOW.getTime() + 86_400_000),
      readAt: data.readAt ?? null,
    },
  });
}

function request(customerId: bigint | null, init?: RequestInit, mutate?: (q: URLSearchParams) => void) {
  const query = signedProxyQuery({ shop: SHOP, customerId, secret: SECRET });
  mutate?.(query);
  return new Request(`https://app.example.com/proxy/inbox?${query}`, init);
}
const post = (customerId: bigint, body: string) =>
  request(customerId, { method: "POST", headers: { "Content-Type": "application/json" }, body });

describe("GET /inbox", () => {
  it("answers the newest unexpired messages, at most 20, and counts only unexpired unread ones", async () => {
    const expired = await message(ANA, { expiresAt: new Date(NOW.getTime() - 1000) });
    const read = await message(ANA, { readAt: NOW });
    for (let i = 0; i < 21; i += 1) await message(ANA);
    await message(BEN);
    const answer = await proxyInbox(request(ANA), proxyDeps());
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Cache-Control")).toBe("private, no-store");
    const body = (await answer.json()) as { unread: number; messages: Array<{ id: string; title: string }> };
    expect(body.unread).toBe(21);
    expect(body.messages).toHaveLength(20);
    expect(body.messages[0]!.title).toBe(`Message ${n - 1}`);
    expect(body.messages.map((m) => m.id)).not.toContain(expired.id);
    expect(body.messages.map((m) => m.id)).not.toContain(read.id);
  });

  it("refuses a tampered customer id with 401 and rate limits a customer with 429", async () => {
    await message(ANA);
    const tampered = await proxyInbox(
      request(ANA, undefined, (q) => q.set("logged_in_customer_id", String(BEN))),
      proxyDeps(),
    );
    expect(tampered.status).toBe(401);
    const deps = { ...proxyDeps(), rateLimit: { limit: 2, windowMs: 60_000 } };
    expect((await proxyInbox(request(ANA), deps)).status).toBe(200);
    expect((await proxyInbox(request(ANA), deps)).status).toBe(200);
    const limited = await proxyInbox(request(ANA), deps);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    // Another member has their own allowance.
    expect((await proxyInbox(request(BEN), deps)).status).toBe(200);
  });
});

describe("POST /inbox", () => {
  it("marks all of the member's messages read and no one else's", async () => {
    await message(ANA);
    await message(ANA);
    const his = await message(BEN);
    const answer = await proxyInbox(post(ANA, JSON.stringify({ read: "all" })), proxyDeps());
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ unread: 0 });
    expect(await db.inboxMessage.count({ where: { customerId: ANA, readAt: null } })).toBe(0);
    expect((await db.inboxMessage.findUniqueOrThrow({ where: { id: his.id } })).readAt).toBeNull();
  });

  it("refuses an oversized body with 413 and an expired message with 404", async () => {
    const old = await message(ANA, { expiresAt: new Date(NOW.getTime() - 1000) });
    const big = await proxyInbox(post(ANA, JSON.stringify({ read: "x".repeat(20_000) })), proxyDeps());
    expect(big.status).toBe(413);
    const gone = await proxyInbox(post(ANA, JSON.stringify({ read: old.id })), proxyDeps());
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ error: { code: "message_not_found" } });
  });
});
