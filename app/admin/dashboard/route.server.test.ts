import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { action, loader } from "~/routes/app._index";
import {
  adminEmulator,
  adminRequest,
  answer,
  routeArgs,
  storeOfflineSession,
} from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../../emulator/server";

// The dashboard (/app) through its route: the first load of a shop whose install was not
// recorded yet records it from Shopify (the emulator) and queues the first import; the
// import form's action queues one and answers 400 to a form it does not understand.

const db = prisma();
const SHOP = "dashboard-route.myshopify.com";
let emulator: Emulator;

beforeAll(async () => {
  emulator = await adminEmulator(SHOP);
});
afterAll(async () => {
  await emulator.close();
  await closeQueues();
});

beforeEach(async () => {
  await resetDatabase(db);
  await queue(QUEUE.backfill).obliterate({ force: true });
  emulator.store.createShop({ domain: SHOP, name: "Dashboard Route", currencyCode: "EUR" });
  await storeOfflineSession(emulator, SHOP);
});

const load = () => loader(routeArgs(adminRequest(SHOP, "/app")));
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app", form))).then(answer);

describe("/app", () => {
  it("records the install on the first load and queues the shop's first import", async () => {
    const page = await load();
    expect(page.install).toMatchObject({ name: "Dashboard Route", domain: SHOP, currencyCode: "EUR" });
    expect(page.backfill).toMatchObject({ active: true, statusLabel: "Queued" });
    const run = await db.backfillRun.findFirstOrThrow({ where: { shop: SHOP } });
    expect(run).toMatchObject({ trigger: "install", historyEarnsPoints: false });
    expect(await queue(QUEUE.backfill).getJob(run.id)).toBeDefined();
    expect(page.loyalty).toBeDefined();
  });

  it("queues an import from the form with the merchant's choice", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    expect(await submit({ intent: "start-backfill", historyEarnsPoints: "true" })).toEqual({
      status: 202,
      body: { ok: true, created: true },
    });
    const run = await db.backfillRun.findFirstOrThrow({ where: { shop: SHOP } });
    expect(run).toMatchObject({ trigger: "merchant", historyEarnsPoints: true });
  });

  it("answers 400 to a malformed import form and queues nothing", async () => {
    await db.shop.create({ data: { domain: SHOP } });
    const result = await submit({ intent: "start-backfill", historyEarnsPoints: "maybe" });
    expect(result).toEqual({
      status: 400,
      body: { ok: false, error: "The import form was not understood." },
    });
    expect(await db.backfillRun.count({ where: { shop: SHOP } })).toBe(0);
  });
});
