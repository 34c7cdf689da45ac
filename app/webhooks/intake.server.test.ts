import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { QUEUE } from "~/jobs/definitions";
import { closeQueues, queue } from "~/jobs/queue.server";
import { redis } from "~/redis.server";
import { handleWebhookNode } from "./intake.server";
import { resetDatabase, signedDelivery } from "~tests/support/webhooks.server";

// The production server's direct path for POST /webhooks, over a real HTTP connection.

const db = prisma();
const SHOP = "intake-direct.myshopify.com";
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer(handleWebhookNode);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeQueues();
});
beforeEach(async () => {
  await resetDatabase(db);
  await redis().flushdb();
});

const post = (delivery: { headers: Headers; rawBody: Uint8Array }) =>
  fetch(url, { method: "POST", headers: delivery.headers, body: new TextDecoder().decode(delivery.rawBody) });

describe("handleWebhookNode", () => {
  it("records, enqueues and acknowledges signed deliveries; a redelivery is recorded once", async () => {
    const delivery = signedDelivery({
      topic: "orders/paid",
      shop: SHOP,
      payload: { id: 7 },
      webhookId: "w-1",
    });
    const first = await post(delivery);
    expect(first.status).toBe(200);
    const body = (await first.json()) as { message: string; eventId: string };
    expect(body.message).toBe("Recorded");
    const again = await post(delivery);
    expect(await again.json()).toMatchObject({ message: "Already recorded", eventId: body.eventId });
    expect(await db.webhookEvent.findMany({ select: { id: true, topic: true, shop: true } })).toEqual([
      { id: body.eventId, topic: "orders/paid", shop: SHOP },
    ]);
    expect((await queue(QUEUE.webhooks).getJobs(["waiting"])).map((j) => j.id)).toEqual([body.eventId]);
  });

  it("refuses bad signatures, missing headers and oversized bodies without recording anything", async () => {
    const forged = signedDelivery({ topic: "orders/paid", shop: SHOP, payload: { id: 1 }, secret: "wrong" });
    expect((await post(forged)).status).toBe(401);
    const bare = await fetch(url, { method: "POST", body: "{}" });
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ message: expect.stringContaining("X-Shopify-Hmac-Sha256") });
    const huge = signedDelivery({
      topic: "orders/paid",
      shop: SHOP,
      payload: { pad: "x".repeat(11 * 1024 * 1024) },
    });
    const refused = await post(huge);
    expect(refused.status).toBe(413);
    expect(await refused.json()).toEqual({ message: "The request body is larger than 10 MB." });
    expect(await db.webhookEvent.count()).toBe(0);
  });
});
