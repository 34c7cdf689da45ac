import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./server";
import { startTestEmulator, TEST_API_SECRET } from "./testing";
import { signWebhookBody } from "./webhooks";

type Received = { path: string; headers: IncomingHttpHeaders; body: string };
let receiver: Server;
let received: Received[];
let emulator: Emulator;
let answer = 200;

beforeEach(async () => {
  received = [];
  answer = 200;
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  emulator = await startTestEmulator({ appUrl: `http://127.0.0.1:${port}` });
});
afterEach(async () => {
  await emulator.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

// Independent of signWebhookBody, so a bug there cannot hide in both sides.
const expectedHmac = (body: string) =>
  createHmac("sha256", TEST_API_SECRET).update(Buffer.from(body, "utf8")).digest("base64");

describe("webhook delivery", () => {
  it("posts the payload to /webhooks with Shopify's headers and a verifiable HMAC", async () => {
    const payload = { id: 820982911946154500, email: "jon@example.com", note: "ünïcode ✓" };
    const result = await emulator.sendWebhook({
      shop: "demo-loyalty.myshopify.com",
      topic: "orders/paid",
      payload,
      webhookId: "wh-1",
      eventId: "ev-1",
      triggeredAt: "2025-06-01T12:00:00.000Z",
    });
    expect(result).toMatchObject({ status: 200, webhookId: "wh-1", eventId: "ev-1" });
    const [delivery] = received;
    expect(delivery?.path).toBe("/webhooks");
    expect(JSON.parse(delivery?.body ?? "")).toEqual(payload);
    expect(delivery?.headers).toMatchObject({
      "content-type": "application/json",
      "x-shopify-topic": "orders/paid",
      "x-shopify-shop-domain": "demo-loyalty.myshopify.com",
      "x-shopify-api-version": "2025-10",
      "x-shopify-webhook-id": "wh-1",
      "x-shopify-event-id": "ev-1",
      "x-shopify-triggered-at": "2025-06-01T12:00:00.000Z",
      "x-shopify-hmac-sha256": expectedHmac(delivery?.body ?? ""),
    });
  });

  it("returns the app's status, so tests can see a rejected delivery", async () => {
    answer = 401;
    const result = await emulator.sendWebhook({
      shop: "demo-loyalty.myshopify.com",
      topic: "app/uninstalled",
      payload: {},
    });
    expect(result.status).toBe(401);
    expect(received[0]?.headers["x-shopify-webhook-id"]).toBe(result.webhookId);
  });

  it("is available as a control endpoint", async () => {
    const response = await fetch(`${emulator.url}/_emulator/webhooks`, {
      method: "POST",
      body: JSON.stringify({
        shop: "demo-loyalty.myshopify.com",
        topic: "customers/update",
        payload: { id: 1 },
        path: "/webhooks/customers",
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 200 });
    expect(received[0]).toMatchObject({ path: "/webhooks/customers", body: '{"id":1}' });
  });

  it("answers 502 from the control endpoint when the app cannot be reached", async () => {
    const unreachable = await startTestEmulator({ appUrl: "http://127.0.0.1:9" });
    try {
      const response = await fetch(`${unreachable.url}/_emulator/webhooks`, {
        method: "POST",
        body: JSON.stringify({ shop: "demo-loyalty.myshopify.com", topic: "orders/paid", payload: {} }),
      });
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ error: expect.stringContaining("delivery failed") });
    } finally {
      await unreachable.close();
    }
  });

  it("signs bodies with base64 HMAC-SHA256 (reference value from openssl dgst -sha256 -hmac)", () => {
    expect(signWebhookBody('{"a":1}', "secret")).toBe("qp4uNXX11wmLbKzNeQiIw21f22M0KnO62i1qUXR6hJQ=");
  });
});
