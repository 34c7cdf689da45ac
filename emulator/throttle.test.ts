import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "./server";
import { adminQuery, installApp, startTestEmulator, testClock, type TestClock } from "./testing";

const SHOP = "demo-loyalty.myshopify.com";
const PAGE = "{ customers(first: 10) { nodes { id email } } }";
let emulator: Emulator;
let clock: TestClock;
let token: string;

type Cost = {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
};
const costOf = (body: { extensions?: Record<string, unknown> }) => body.extensions?.cost as Cost;

beforeEach(async () => {
  clock = testClock();
  emulator = await startTestEmulator({
    now: clock.now,
    throttle: { maximumAvailable: 30, restoreRate: 5, singleQueryMaxCost: 25 },
  });
  token = await installApp(emulator, SHOP, clock.now());
  emulator.store.addCustomers(
    SHOP,
    Array.from({ length: 3 }, (_, i) => ({ email: `c${i}@example.com` })),
  );
});
afterEach(() => emulator.close());

describe("query cost", () => {
  it("prices a connection at 2 + first and charges only what was returned", async () => {
    const { body } = await adminQuery(emulator, token, PAGE);
    expect(costOf(body)).toEqual({
      requestedQueryCost: 12,
      actualQueryCost: 5,
      throttleStatus: { maximumAvailable: 30, currentlyAvailable: 25, restoreRate: 5 },
    });
  });

  it("multiplies nested connections by the outer page size", async () => {
    const { body } = await adminQuery(
      emulator,
      token,
      "{ orders(first: 2) { edges { node { id lineItems(first: 3) { nodes { id } } } } } }",
    );
    // 2 + 2 × (1 for the order + (2 + 3) for its lines) = 14
    expect(costOf(body).requestedQueryCost).toBe(14);
  });

  it("refuses a query above the single query limit with MAX_COST_EXCEEDED", async () => {
    const { status, body } = await adminQuery(emulator, token, "{ customers(first: 50) { nodes { id } } }");
    expect(status).toBe(200);
    expect(body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "MAX_COST_EXCEEDED" }) }),
    ]);
    expect(body.data).toBeUndefined();
  });
});

describe("leaky bucket", () => {
  it("throttles once the bucket cannot cover the requested cost, then restores over time", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { body } = await adminQuery(emulator, token, PAGE);
      expect(body.errors).toBeUndefined();
      statuses.push(costOf(body).throttleStatus.currentlyAvailable);
    }
    expect(statuses).toEqual([25, 20, 15, 10]);
    const throttled = await adminQuery(emulator, token, PAGE);
    expect(throttled.status).toBe(200);
    expect(throttled.body.errors).toEqual([
      { message: "Throttled", extensions: expect.objectContaining({ code: "THROTTLED" }) },
    ]);
    expect(throttled.body.data).toBeUndefined();
    expect(costOf(throttled.body)).toMatchObject({
      requestedQueryCost: 12,
      actualQueryCost: null,
      throttleStatus: { currentlyAvailable: 10 },
    });

    clock.advance(400); // 0.4 s × 5/s = 2 points: 12 available, enough again
    const restored = await adminQuery(emulator, token, PAGE);
    expect(restored.body.errors).toBeUndefined();
    expect(costOf(restored.body).throttleStatus.currentlyAvailable).toBe(7);

    clock.advance(60_000);
    const full = await adminQuery(emulator, token, "{ shop { id } }");
    expect(costOf(full.body)).toMatchObject({
      requestedQueryCost: 1,
      throttleStatus: { currentlyAvailable: 29 },
    });
  });

  it("keeps a separate bucket per shop", async () => {
    emulator.store.createShop({ domain: "second.myshopify.com" });
    const other = await installApp(emulator, "second.myshopify.com", clock.now());
    for (let i = 0; i < 5; i += 1) await adminQuery(emulator, token, PAGE);
    const { body } = await adminQuery(emulator, other, PAGE);
    expect(costOf(body).throttleStatus.currentlyAvailable).toBe(28);
  });
});
