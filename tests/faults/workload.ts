import { randomUUID } from "node:crypto";
import http from "node:http";
import { webhookHmac } from "../../app/webhooks/hmac";
import type { ProgramInput } from "../../app/loyalty/program";
import { benchShop, type BenchShop } from "../../bench/support/orders";
import type { Emulator } from "../../emulator/server";
import { API_SECRET, sleep } from "./stack";

// The deliveries every case sends: a shop's customers and products (set-up), then a burst
// of orders/paid webhooks built from the emulator's REST payloads, about one in ten sent
// twice under a new webhook id (Shopify may emit an event twice) and one in seven with a
// discount code. Every case sends the
// same bodies, so a case's ledger can be compared with the fault-free run's.

export type Delivery = { topic: string; body: Buffer; hmac: string; webhookId: string; eventId: string };

export type Workload = {
  shop: BenchShop;
  setup: Delivery[];
  burst: Delivery[];
};

/** The program every case's shop runs: points at once (no pending days), a signup bonus, tiers, a reward. */
export const FAULTS_PROGRAM: ProgramInput = {
  currency: "USD",
  earning: { pointsPerCurrencyUnit: 1, pendingDays: 0, bonuses: { signup: 50 } },
  tiers: {
    basis: "spend",
    window: "lifetime",
    levels: [
      { id: "silver", name: "Silver", threshold: 10_000 },
      { id: "gold", name: "Gold", threshold: 30_000 },
    ],
  },
  rewards: [
    {
      id: "five-off",
      name: "$5 off",
      value: { kind: "fixedAmount", amount: { amountMinor: 500, currency: "USD" } },
      pointsCost: 50,
    },
  ],
};

export function buildWorkload(counts: { customers: number; orders: number }): Workload {
  const shop = benchShop("faults.myshopify.com", {
    customers: counts.customers,
    products: 40,
    orders: counts.orders,
  });
  const delivery = (topic: string, json: string): Delivery => {
    const body = Buffer.from(json);
    return {
      topic,
      body,
      hmac: webhookHmac(API_SECRET, body),
      webhookId: randomUUID(),
      eventId: randomUUID(),
    };
  };
  const setup = [
    ...shop.customers.map((c) => delivery("customers/create", shop.customerBody(c))),
    ...shop.products.map((p) => delivery("products/create", shop.productBody(p))),
  ];
  const burst: Delivery[] = [];
  shop.orders.forEach((order, i) => {
    // One order in seven carries a (zero-value) discount code, as many real orders do: the
    // worker takes those one by one instead of in its batch path, so both paths are under test.
    const body = i % 7 === 5 ? withDiscountCode(shop.orderBody(order)) : shop.orderBody(order);
    burst.push(delivery("orders/paid", body));
    if (i % 10 === 3) burst.push(delivery("orders/paid", body));
  });
  return { shop, setup, burst };
}

function withDiscountCode(json: string): string {
  const order = JSON.parse(json) as Record<string, unknown>;
  order.discount_codes = [{ code: "WELCOME", amount: "0.00", type: "fixed_amount" }];
  return JSON.stringify(order);
}

/** Puts the workload's customers and products into the emulator's shop (reward codes name customers). */
export function seedEmulator(emulator: Emulator, domain: string, workload: Workload): void {
  emulator.store.addCustomers(
    domain,
    workload.shop.customers.map((c) => ({
      id: c.id,
      email: c.email,
      firstName: c.firstName,
      lastName: c.lastName,
    })),
  );
  emulator.store.addProducts(
    domain,
    workload.shop.products.map((p) => ({
      id: p.id,
      title: p.title,
      variants: p.variants.map((v) => ({ id: v.id, price: (v.priceMinor / 100).toFixed(2) })),
    })),
  );
}

export type Attempt = { at: number; ms: number; status: number };
export type DeliveryLog = { delivery: Delivery; attempts: Attempt[]; ackedAt: number | null };

export type SendOptions = {
  appUrl: string;
  shop: string;
  /** Lanes sending at once. */
  concurrency: number;
  /** Deliveries per second across all lanes (paces the burst so a fault lands in the middle of it). */
  rate: number;
  /** Called with the number of first attempts made so far, after each one. */
  onProgress?: (sent: number) => void;
  /** Shopify's timeout: no answer within it is a failed attempt. */
  timeoutMs?: number;
  /** Stop retrying unacknowledged deliveries at this time (epoch ms). */
  retryUntil: () => number;
};

/**
 * Sends the deliveries like Shopify: signed, a 5 s timeout, and anything that was not
 * answered 200 retried later under the same webhook id, until acknowledged or the
 * deadline. Every attempt's status and latency is kept.
 */
export async function sendAll(deliveries: Delivery[], options: SendOptions): Promise<DeliveryLog[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(options.appUrl);
  const logs: DeliveryLog[] = deliveries.map((delivery) => ({ delivery, attempts: [], ackedAt: null }));
  const started = performance.now();
  let next = 0;
  const retries: DeliveryLog[] = [];
  const attempt = async (log: DeliveryLog, via: http.Agent) => {
    const at = Date.now();
    const t0 = performance.now();
    const status = await post(url, via, options, log.delivery);
    log.attempts.push({ at, ms: performance.now() - t0, status });
    if (status === 200) log.ackedAt = Date.now();
    else retries.push(log);
  };
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (;;) {
        const index = next++;
        if (index >= logs.length) break;
        // Paced: delivery i goes out no earlier than i / rate seconds into the burst.
        const due = started + (index / options.rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        await attempt(logs[index]!, agent);
        options.onProgress?.(index + 1);
      }
    }),
  );
  agent.destroy();
  // Shopify retries with backoff, on a new connection; a second apart is enough to see
  // recovery here. (Reusing the burst's kept-alive sockets would hold a draining server open.)
  while (retries.length > 0 && Date.now() < options.retryUntil()) {
    await sleep(1_000);
    const batch = retries.splice(0);
    const fresh = new http.Agent({ keepAlive: false, maxSockets: options.concurrency });
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        for (let log = batch.shift(); log; log = batch.shift()) await attempt(log, fresh);
      }),
    );
    fresh.destroy();
  }
  return logs;
}

function post(url: URL, agent: http.Agent, options: SendOptions, delivery: Delivery): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: "/webhooks",
        method: "POST",
        timeout: options.timeoutMs ?? 5_000,
        headers: {
          "Content-Type": "application/json",
          "Content-Length": delivery.body.length,
          "X-Shopify-Topic": delivery.topic,
          "X-Shopify-Hmac-Sha256": delivery.hmac,
          "X-Shopify-Shop-Domain": options.shop,
          "X-Shopify-Webhook-Id": delivery.webhookId,
          "X-Shopify-Event-Id": delivery.eventId,
          "X-Shopify-API-Version": "2025-10",
          "X-Shopify-Triggered-At": new Date().toISOString(),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    // 0: no answer (refused, reset, or past the timeout).
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(0));
    req.end(delivery.body);
  });
}
