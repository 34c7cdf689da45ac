import { UnrecoverableError } from "bullmq";
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { HandlerContext } from "./handler";
import { processWebhookEvent } from "./process.server";
import { recordDelivery, resetDatabase } from "~tests/support/webhooks.server";

const db = prisma();
const SHOP = "process-test.myshopify.com";
const OTHER = "other-shop.myshopify.com";

async function deliver(
  topic: string,
  payload: unknown,
  options: { shop?: string; webhookId?: string; triggeredAt?: string } = {},
) {
  return recordDelivery(db, { topic, shop: options.shop ?? SHOP, payload, ...options });
}

async function seedShop(domain: string, sessions: number) {
  await db.shop.create({ data: { domain, scopes: "read_customers" } });
  for (let i = 0; i < sessions; i += 1) {
    await db.session.create({
      data: { id: `${domain}-${i}`, shop: domain, state: "s", accessToken: "tok", scope: "read_customers" },
    });
  }
}

beforeEach(async () => {
  await resetDatabase(db);
});

describe("processWebhookEvent", () => {
  it("applies a delivery received twice and processed twice exactly once", async () => {
    const webhookId = randomUUID();
    const payload = {
      customer: { id: 7, email: "pat@example.com" },
      orders_requested: [],
      data_request: { id: 1 },
    };
    const first = await deliver("customers/data_request", payload, { webhookId });
    const second = await deliver("customers/data_request", payload, { webhookId });
    expect(second).toBe(first);

    expect(await processWebhookEvent(db, first)).toBe("processed");
    expect(await processWebhookEvent(db, second)).toBe("already-processed");
    // Concurrent duplicates too: the row lock makes the second wait and then skip.
    await Promise.all([processWebhookEvent(db, first), processWebhookEvent(db, first)]);

    expect(await db.webhookEvent.count()).toBe(1);
    expect(await db.dataExport.count()).toBe(1);
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: first } })).toMatchObject({
      status: "processed",
      attempts: 1,
      lastError: null,
      processedAt: expect.any(Date),
    });
  });

  it("app/uninstalled marks the shop uninstalled and deletes only its sessions", async () => {
    await seedShop(SHOP, 2);
    await seedShop(OTHER, 1);
    const id = await deliver(
      "app/uninstalled",
      { id: 1, domain: SHOP, myshopify_domain: SHOP },
      { triggeredAt: "2025-11-02T08:00:00.000Z" },
    );
    await processWebhookEvent(db, id);

    expect(await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).toMatchObject({
      status: "uninstalled",
      uninstalledAt: new Date("2025-11-02T08:00:00.000Z"),
    });
    expect(await db.session.count({ where: { shop: SHOP } })).toBe(0);
    expect(await db.shop.findUniqueOrThrow({ where: { domain: OTHER } })).toMatchObject({
      status: "installed",
    });
    expect(await db.session.count({ where: { shop: OTHER } })).toBe(1);
  });

  it("app/scopes_update stores the current scopes on the shop and its sessions", async () => {
    await seedShop(SHOP, 2);
    await seedShop(OTHER, 1);
    const id = await deliver("app/scopes_update", {
      id: 1,
      previous: ["read_customers"],
      current: ["read_customers", "read_orders"],
      updated_at: "2025-11-02T08:00:00.000Z",
    });
    await processWebhookEvent(db, id);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).scopes).toBe(
      "read_customers,read_orders",
    );
    expect((await db.session.findMany({ where: { shop: SHOP } })).map((s) => s.scope)).toEqual([
      "read_customers,read_orders",
      "read_customers,read_orders",
    ]);
    expect((await db.session.findFirstOrThrow({ where: { shop: OTHER } })).scope).toBe("read_customers");
  });

  it("marks a topic without a handler processed and keeps its payload for replay", async () => {
    const id = await deliver("inventory_levels/update", { id: 99, total_price: "5.00" });
    expect(await processWebhookEvent(db, id)).toBe("no-handler");
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "processed",
      payload: { id: 99, total_price: "5.00" },
    });
  });

  it("rolls back a failing handler's writes and records the failure on the row", async () => {
    await seedShop(SHOP, 0);
    const id = await deliver("test/flaky", {});
    let failures = 1;
    const handlers = {
      "test/flaky": async ({ tx }: HandlerContext) => {
        await tx.shop.update({ where: { domain: SHOP }, data: { planName: "written by the handler" } });
        if (failures-- > 0) throw new Error("deadlock detected");
      },
    };

    await expect(processWebhookEvent(db, id, { handlers })).rejects.toThrow("deadlock detected");
    expect((await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).planName).toBeNull();
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "received",
      attempts: 1,
      lastError: "Error: deadlock detected",
    });

    expect(await processWebhookEvent(db, id, { handlers })).toBe("processed");
    expect((await db.shop.findUniqueOrThrow({ where: { domain: SHOP } })).planName).toBe(
      "written by the handler",
    );
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "processed",
      attempts: 2,
      lastError: null,
    });
  });

  it("marks the row failed on the last attempt, and on bad input at once", async () => {
    const flaky = await deliver("test/always-fails", {});
    const handlers = { "test/always-fails": () => Promise.reject(new Error("still down")) };
    await expect(processWebhookEvent(db, flaky, { handlers, finalAttempt: true })).rejects.toThrow(
      "still down",
    );
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: flaky } })).toMatchObject({
      status: "failed",
      attempts: 1,
    });

    const malformed = await deliver("app/scopes_update", { previous: [] });
    await expect(processWebhookEvent(db, malformed)).rejects.toBeInstanceOf(UnrecoverableError);
    const row = await db.webhookEvent.findUniqueOrThrow({ where: { id: malformed } });
    expect(row.status).toBe("failed");
    expect(row.lastError).toContain("current");
  });

  it("skips an event whose row no longer exists", async () => {
    expect(await processWebhookEvent(db, randomUUID())).toBe("missing");
  });
});
