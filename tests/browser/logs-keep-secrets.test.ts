import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "../../app/db.server";
import { seedMember, seedProgram } from "~tests/support/loyalty-world.server";
import { signedProxyQuery } from "../../app/storefront/proxy-signature";
import { emulatorConfig } from "../../emulator/config";
import { createEmulator, type Emulator } from "../../emulator/server";
import { customerPayload, orderPayload } from "../../emulator/webhook-payloads";
import { sessionToken } from "../../emulator/testing";
import { stopChild } from "../../scripts/private-redis";
import { ensureBuild, freePort } from "./support/app-server";
import { createOwnedDatabase, startOwnedRedis, type OwnedService } from "./support/services";

// A full run's logs must hold no credential. The production server (server.js over the
// build, request log included) and a worker run at LOG_LEVEL=debug against the emulator:
// an embedded install (token exchange), admin data requests, a refused expired token,
// signed webhooks the worker processes, the install backfill and metafield syncs (the
// worker calling Shopify with the access token), and a storefront status and redemption
// through the app proxy, and an unknown admin URL with the session token in its query.
// Then every line both processes wrote is searched for the app
// secret (which also keys webhook and proxy HMACs), every access and refresh token the
// emulator issued, and every session token the app was handed. It lives with the browser
// tests because it needs the production build, which that project builds one file at a time.

const SHOP = "log-scan.myshopify.com";
const API_KEY = "log-scan-client-id";
const API_SECRET = `log-scan-secret-${randomUUID()}`;
const MEMBER = 7100n;
const BUYER = 7200;

type Process = { child: ChildProcess; output: () => string };

function start(args: string[], env: Record<string, string>): Process {
  const child = spawn(process.execPath, args, {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

// Node's own user agent counts as a bot, which the Shopify library answers 410.
const BROWSER =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const browserFetch = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, headers: { "User-Agent": BROWSER, ...init.headers } });

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let database: OwnedService | undefined;
let redis: OwnedService | undefined;
let db: ReturnType<typeof createPrisma> | undefined;
let emulator: Emulator | undefined;
let server: Process | undefined;
let worker: Process | undefined;
const sessionTokens: string[] = [];

async function frameToken(): Promise<string> {
  const response = await fetch(`${emulator!.url}/session-token?shop=${SHOP}`);
  const { token } = (await response.json()) as { token: string };
  sessionTokens.push(token);
  return token;
}

beforeAll(async () => {
  ensureBuild();
  database = await createOwnedDatabase();
  redis = await startOwnedRedis();
  db = createPrisma(database.url, 2);
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  emulator = await createEmulator(
    emulatorConfig({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET, appUrl }),
  );
  emulator.store.createShop({ domain: SHOP, name: "Log Scan", currencyCode: "USD" });
  emulator.store.addCustomers(SHOP, [
    { id: Number(MEMBER), email: "member@example.com" },
    { id: BUYER, email: "buyer@example.com", firstName: "Bea" },
  ]);
  const env = {
    NODE_ENV: "test",
    LOG_LEVEL: "debug",
    PORT: String(port),
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: appUrl,
    SHOPIFY_API_ORIGIN: emulator.url,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
  };
  server = start(["server.js"], env);
  worker = start(["--import", "tsx", "workers/main.ts"], env);
  await until("the server", async () => (await fetch(`${appUrl}/healthz`)).ok);

  // Install: the admin frame's first document load carries the session token in the URL.
  const host = Buffer.from(`admin.shopify.com/store/log-scan`).toString("base64");
  const install = await browserFetch(
    `${appUrl}/app?embedded=1&shop=${SHOP}&host=${host}&id_token=${await frameToken()}`,
  );
  expect(install.status, server.output()).toBe(200);
  await until("the install", () => db!.shop.findUnique({ where: { domain: SHOP, name: "Log Scan" } }));

  // Admin data requests as App Bridge makes them, and one with a genuine but expired token.
  for (const path of ["/app/members.data", "/app/privacy.data"]) {
    const response = await browserFetch(`${appUrl}${path}`, {
      headers: { Authorization: `Bearer ${await frameToken()}` },
    });
    expect(response.status, path).toBe(200);
  }
  const expired = sessionToken(SHOP, { apiKey: API_KEY, secret: API_SECRET, nowMs: Date.now() - 600_000 });
  sessionTokens.push(expired);
  const refused = await browserFetch(`${appUrl}/app/members.data`, {
    headers: { Authorization: `Bearer ${expired}` },
  });
  expect(refused.status).toBe(401);
  // An admin URL no route matches, as a stale bookmark or a typo opens it: the first load
  // carries the session token in its query, which the router's error quotes in full.
  const unknown = await browserFetch(
    `${appUrl}/app/no-such-page?embedded=1&shop=${SHOP}&host=${host}&id_token=${await frameToken()}`,
  );
  expect(unknown.status).toBe(404);
  const unknownData = await browserFetch(`${appUrl}/app/no-such-page.data?id_token=${await frameToken()}`, {
    headers: { Authorization: `Bearer ${await frameToken()}` },
  });
  expect(unknownData.status).toBe(404);

  // Webhooks, signed by the emulator; the worker processes them and syncs metafields.
  await seedProgram(db, SHOP, {
    rewards: [
      {
        id: "five-off",
        name: "$5 off",
        value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
        pointsCost: 500,
      },
    ],
  });
  await seedMember(db, SHOP, MEMBER, 1000);
  const [order] = emulator.store.addOrders(SHOP, [
    {
      customerId: BUYER,
      email: "buyer@example.com",
      lineItems: [{ title: "Tent", quantity: 1, unitPrice: "120.00" }],
    },
  ]);
  const customer = emulator.store.requireShop(SHOP).customers.get(BUYER);
  for (const [topic, payload] of [
    ["customers/create", customerPayload(customer!, "USD")],
    ["orders/paid", orderPayload(order!, { customer })],
  ] as const) {
    expect((await emulator.sendWebhook({ shop: SHOP, topic, payload })).status, topic).toBe(200);
  }

  // The storefront, through the app proxy: status and a redemption (a discount code in Shopify).
  const proxy = (path: string) =>
    `${appUrl}/proxy/${path}?${signedProxyQuery({ shop: SHOP, customerId: MEMBER, secret: API_SECRET })}`;
  expect((await browserFetch(proxy("status"))).status).toBe(200);
  const redeemed = await browserFetch(proxy("redeem"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ rewardId: "five-off", clientKey: randomUUID() }),
  });
  expect(redeemed.status, await redeemed.clone().text()).toBe(201);
  // And one that Shopify fails, so the error path's log lines (with the error) are searched too.
  await fetch(`${emulator.url}/_emulator/shops/${SHOP}/faults`, {
    method: "POST",
    body: JSON.stringify({ kind: "serverError", count: 5 }),
  });
  const failed = await browserFetch(proxy("redeem"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ rewardId: "five-off", clientKey: randomUUID() }),
  });
  expect(failed.status, await failed.clone().text()).toBeGreaterThanOrEqual(500);

  await until("the worker to finish the deliveries", async () => {
    const waiting = await db!.webhookEvent.count({ where: { status: "received" } });
    const member = await db!.member.findUnique({
      where: { shop_customerId: { shop: SHOP, customerId: BigInt(BUYER) } },
    });
    return waiting === 0 && member !== null;
  });
  await until("the install backfill", async () => {
    const run = await db!.backfillRun.findFirst({ where: { shop: SHOP } });
    return run && (run.status === "completed" || run.status === "failed");
  });
  await stopChild(server.child);
  await stopChild(worker.child);
}, 240_000);

afterAll(async () => {
  if (server) await stopChild(server.child);
  if (worker) await stopChild(worker.child);
  await emulator?.close();
  await db?.$disconnect();
  await redis?.stop();
  await database?.stop();
});

function secrets(): Array<[string, string]> {
  const issued = emulator!.store.tokens.list();
  return [
    ["the app secret", API_SECRET],
    ...issued.map((t): [string, string] => [`access token ${t.kind}`, t.accessToken]),
    ...issued.flatMap((t): Array<[string, string]> =>
      t.refreshToken ? [["refresh token", t.refreshToken]] : [],
    ),
    ...sessionTokens.map((t): [string, string] => ["session token", t]),
  ];
}

describe("the logs of a full run at debug level", () => {
  it("were written by both processes, at debug level, about everything the run did", () => {
    const logs = `${server!.output()}\n${worker!.output()}`;
    expect(emulator!.store.tokens.list().length).toBeGreaterThan(0);
    expect(sessionTokens.length).toBeGreaterThanOrEqual(4);
    const evidence = [
      "Webhook received",
      "/app/members.data",
      "/proxy/redeem",
      "Attempting to authenticate session token",
      "Failed to validate session token",
      "/app/no-such-page",
      "No route matches URL",
    ];
    for (const line of evidence) {
      expect(logs, line).toContain(line);
    }
    expect(worker!.output().split("\n").length).toBeGreaterThan(5);
  });

  it("hold no secret, access token, refresh token or session token", () => {
    const lines = `${server!.output()}\n${worker!.output()}`.split("\n");
    const leaks = secrets().flatMap(([what, secret]) =>
      lines
        .filter((line) => line.includes(secret))
        .map((line) => `${what}: ${line.replaceAll(secret, `<${what}>`).slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  });
});
