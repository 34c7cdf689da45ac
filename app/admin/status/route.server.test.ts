import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { action, loader } from "~/routes/app.status";
import {
  adminEmulator,
  adminRequest,
  answer,
  routeArgs,
  storeOfflineSession,
} from "~tests/support/admin.server";
import { resetDatabase } from "~tests/support/webhooks.server";
import type { Emulator } from "../../../emulator/server";

// The status page (/app/status) through its route: the import card and its form, sync,
// held orders and workers, times in the shop's zone.

const db = prisma();
const SHOP = "status-route.myshopify.com";
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
  emulator.store.createShop({ domain: SHOP, name: "Status Route" });
  await storeOfflineSession(emulator, SHOP);
  await db.shop.create({ data: { domain: SHOP, name: "Status Route", ianaTimezone: "America/New_York" } });
});

const load = () => loader(routeArgs(adminRequest(SHOP, "/app/status")));
const submit = (form: Record<string, string>) =>
  action(routeArgs(adminRequest(SHOP, "/app/status", form))).then(answer);

describe("/app/status", () => {
  it("queues an import from the form with the merchant's choice", async () => {
    expect(await submit({ intent: "start-backfill", historyEarnsPoints: "true" })).toEqual({
      status: 202,
      body: { ok: true, created: true },
    });
    const run = await db.backfillRun.findFirstOrThrow({ where: { shop: SHOP } });
    expect(run).toMatchObject({ trigger: "merchant", historyEarnsPoints: true });
    expect((await load()).backfill).toMatchObject({ active: true, statusLabel: "Queued" });
  });

  it("answers 400 to a malformed import form and queues nothing", async () => {
    const result = await submit({ intent: "start-backfill", historyEarnsPoints: "maybe" });
    expect(result).toEqual({
      status: 400,
      body: { ok: false, error: "The import form was not understood." },
    });
    expect(await db.backfillRun.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("shows a finished import with its figures and time in the shop's zone", async () => {
    await db.backfillRun.create({
      data: {
        shop: SHOP,
        status: "completed",
        phase: "done",
        customersLoaded: 12,
        ordersLoaded: 30,
        finishedAt: new Date("2026-03-02T15:00:00Z"),
      },
    });
    const page = await load();
    expect(page.timeZone).toBe("America/New_York");
    expect(page.backfill).toMatchObject({ status: "completed", finishedText: "Mar 2, 2026, 10:00 AM EST" });
    expect(page.backfill?.counts).toContainEqual({ label: "Orders", value: 30 });
    expect(page.held).toEqual({ members: 0, orders: [] });
  });
});
