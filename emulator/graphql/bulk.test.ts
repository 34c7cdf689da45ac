import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../server";
import { adminQuery, installApp, startTestEmulator, testClock } from "../testing";

const SHOP = "demo-loyalty.myshopify.com";
let emulator: Emulator;
let token: string;

beforeEach(async () => {
  const clock = testClock();
  emulator = await startTestEmulator({ now: clock.now });
  token = await installApp(emulator, SHOP, clock.now());
});
afterEach(() => emulator.close());

const RUN = `mutation Run($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`;

const POLL = `query Poll($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount rootObjectCount fileSize url } }
}`;

type Op = { id: string; status: string; objectCount: string; rootObjectCount: string; url: string | null };

async function run(query: string) {
  const { body } = await adminQuery(emulator, token, RUN, { query });
  return (body.data as { bulkOperationRunQuery: { bulkOperation: Op | null; userErrors: unknown[] } })
    .bulkOperationRunQuery;
}

async function waitFor(id: string): Promise<Op> {
  for (let i = 0; i < 200; i += 1) {
    const { body } = await adminQuery(emulator, token, POLL, { id });
    const op = (body.data as { node: Op }).node;
    if (op.status === "COMPLETED" || op.status === "FAILED") return op;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("bulk operation did not finish");
}

function seed() {
  const [ana, ben] = emulator.store.addCustomers(SHOP, [
    { email: "ana@example.com", firstName: "Ana", tags: ["vip"] },
    { email: "ben@example.com" },
  ]);
  const [mug] = emulator.store.addProducts(SHOP, [{ title: "Mug", variants: [{ price: "12.50" }] }]);
  emulator.store.addOrders(SHOP, [
    {
      customerId: ana!.id,
      processedAt: "2025-01-02T10:00:00Z",
      discountCodes: [{ code: "TEN", amount: "5.00" }],
      lineItems: [
        { title: "Mug", quantity: 2, unitPrice: "12.50", productId: mug!.id },
        { title: "Tea", quantity: 1, unitPrice: "25.00" },
      ],
      shippingPrice: "4.00",
    },
    {
      customerId: ben!.id,
      processedAt: "2025-02-02T10:00:00Z",
      lineItems: [{ title: "Tea", quantity: 1, unitPrice: "25.00" }],
    },
  ]);
  return { ana: ana!, ben: ben!, mug: mug! };
}

describe("bulkOperationRunQuery", () => {
  it("exports nested connections as JSON Lines with __parentId after each parent", async () => {
    const { ana, mug } = seed();
    const started = await run(`{
      orders {
        edges { node {
          id name customer { id }
          subtotalPriceSet { shopMoney { amount currencyCode } }
          lineItems { edges { node { id quantity product { id } discountedTotalSet { shopMoney { amount } } } } }
        } }
      }
    }`);
    expect(started.userErrors).toEqual([]);
    expect(started.bulkOperation?.status).toBe("CREATED");
    const done = await waitFor(started.bulkOperation!.id);
    expect(done).toMatchObject({ status: "COMPLETED", objectCount: "5", rootObjectCount: "2" });
    const response = await fetch(done.url!);
    expect(response.headers.get("content-type")).toBe("application/jsonl");
    const lines = (await response.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    const [order, first, second] = lines;
    expect(order).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/Order\/\d+$/),
      name: "#1001",
      customer: { id: ana.id },
      subtotalPriceSet: { shopMoney: { amount: "45.0", currencyCode: "USD" } },
    });
    expect(first).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/LineItem\/\d+$/),
      quantity: 2,
      product: { id: mug.id },
      discountedTotalSet: { shopMoney: { amount: "22.5" } },
      __parentId: order!.id,
    });
    expect(Object.keys(first!).at(-1)).toBe("__parentId");
    expect(second).toMatchObject({ product: null, __parentId: order!.id });
    expect(lines[3]).not.toHaveProperty("__parentId");
    expect(lines[4]).toMatchObject({ __parentId: lines[3]!.id });
  });

  it("answers currentBulkOperation and refuses a second operation while one runs", async () => {
    seed();
    // Two runs in one document execute back to back, before the first export can start.
    const { body: both } = await adminQuery(
      emulator,
      token,
      `mutation {
        first: bulkOperationRunQuery(query: "{ customers { nodes { id email } } }") {
          bulkOperation { id status } userErrors { code }
        }
        second: bulkOperationRunQuery(query: "{ products { nodes { id } } }") {
          bulkOperation { id } userErrors { code }
        }
      }`,
    );
    const { first, second } = both.data as Record<
      "first" | "second",
      { bulkOperation: Op | null; userErrors: unknown[] }
    >;
    expect(first.userErrors).toEqual([]);
    expect(second.bulkOperation).toBeNull();
    expect(second.userErrors).toEqual([{ code: "OPERATION_IN_PROGRESS" }]);
    await waitFor(first.bulkOperation!.id);
    const { body } = await adminQuery(
      emulator,
      token,
      "{ currentBulkOperation { id status objectCount url } }",
    );
    const current = (body.data as { currentBulkOperation: Op }).currentBulkOperation;
    expect(current).toMatchObject({ id: first.bulkOperation!.id, status: "COMPLETED", objectCount: "2" });
    const text = await (await fetch(current.url!)).text();
    expect(
      text
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { id: expect.any(String), email: "ana@example.com" },
      { id: expect.any(String), email: "ben@example.com" },
    ]);
  });

  it("rejects queries without a connection or that do not validate", async () => {
    for (const query of ["{ shop { name } }", "{ orders { nodes { nope } } }", "{ orders { "]) {
      const result = await run(query);
      expect(result.bulkOperation).toBeNull();
      expect(result.userErrors).toEqual([expect.objectContaining({ field: ["query"], code: "INVALID" })]);
    }
  });

  it("completes with no url when nothing matched, and hides other apps' operations and unknown files", async () => {
    const started = await run("{ customers { nodes { id } } }");
    const done = await waitFor(started.bulkOperation!.id);
    expect(done).toMatchObject({ status: "COMPLETED", objectCount: "0", url: null });
    const { body } = await adminQuery(emulator, token, POLL, { id: "gid://shopify/BulkOperation/999" });
    expect((body.data as { node: unknown }).node).toBeNull();
    const missing = await fetch(`${emulator.url}/bulk-operation-results/${"0".repeat(32)}.jsonl`);
    expect(missing.status).toBe(404);
  });
});
