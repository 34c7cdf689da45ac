import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../server";
import { adminQuery, installApp, startTestEmulator, testClock, type TestClock } from "../testing";

const SHOP = "demo-loyalty.myshopify.com";
let emulator: Emulator;
let clock: TestClock;
let token: string;
let customerId: string;

const CREATE = `mutation Create($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id codeDiscount { __typename ... on DiscountCodeBasic {
      title status usageLimit appliesOncePerCustomer startsAt endsAt asyncUsageCount
      codes(first: 1) { nodes { code } }
      context { __typename ... on DiscountCustomers { customers { id } } }
      customerGets { value { __typename ... on DiscountPercentage { percentage } ... on DiscountAmount { amount { amount } appliesOnEachItem } }
        items { __typename ... on DiscountProducts { productVariants(first: 5) { nodes { id price } } } } }
      minimumRequirement { __typename ... on DiscountMinimumSubtotal { greaterThanOrEqualToSubtotal { amount } } }
    } } }
    userErrors { field message code }
  }
}`;

const input = (overrides: Record<string, unknown> = {}) => ({
  code: "LOY-ABCD",
  title: "$5 off",
  startsAt: "2025-06-01T12:00:00Z",
  endsAt: "2025-07-01T12:00:00Z",
  usageLimit: 1,
  appliesOncePerCustomer: true,
  context: { customers: { add: [customerId] } },
  customerGets: {
    value: { discountAmount: { amount: "5.0", appliesOnEachItem: false } },
    items: { all: true },
  },
  minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "20.0" } },
  ...overrides,
});

type Payload = {
  codeDiscountNode: Record<string, unknown> | null;
  userErrors: Array<{ field: string[]; code: string }>;
};
async function create(overrides: Record<string, unknown> = {}) {
  const { body } = await adminQuery(emulator, token, CREATE, { input: input(overrides) });
  return (body.data as { discountCodeBasicCreate: Payload }).discountCodeBasicCreate;
}

beforeEach(async () => {
  clock = testClock();
  emulator = await startTestEmulator({ now: clock.now });
  token = await installApp(emulator, SHOP, clock.now());
  customerId = emulator.store.addCustomers(SHOP, [{ email: "ana@example.com" }])[0]!.id;
});
afterEach(() => emulator.close());

describe("discountCodeBasicCreate", () => {
  it("creates a single-use code for one customer and reads it back by code", async () => {
    const payload = await create();
    expect(payload.userErrors).toEqual([]);
    expect(payload.codeDiscountNode).toMatchObject({
      id: expect.stringMatching(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/),
      codeDiscount: {
        __typename: "DiscountCodeBasic",
        status: "ACTIVE",
        usageLimit: 1,
        appliesOncePerCustomer: true,
        codes: { nodes: [{ code: "LOY-ABCD" }] },
        context: { __typename: "DiscountCustomers", customers: [{ id: customerId }] },
        customerGets: {
          value: { __typename: "DiscountAmount", amount: { amount: "5.0" }, appliesOnEachItem: false },
        },
        minimumRequirement: { greaterThanOrEqualToSubtotal: { amount: "20.0" } },
      },
    });
    const { body } = await adminQuery(
      emulator,
      token,
      `{ codeDiscountNodeByCode(code: "loy-abcd") { id codeDiscount { ... on DiscountCodeBasic { status } } } }`,
    );
    expect(body.data).toEqual({
      codeDiscountNodeByCode: { id: payload.codeDiscountNode!.id, codeDiscount: { status: "ACTIVE" } },
    });
    clock.advance(31 * 86_400_000);
    const later = await adminQuery(
      emulator,
      token,
      `{ codeDiscountNodeByCode(code: "LOY-ABCD") { codeDiscount { ... on DiscountCodeBasic { status } } } }`,
    );
    expect(later.body.data).toEqual({ codeDiscountNodeByCode: { codeDiscount: { status: "EXPIRED" } } });
  });

  it("gives one unit of a variant free: its price off that variant, once per order", async () => {
    const [product] = emulator.store.addProducts(SHOP, [{ title: "Mug", variants: [{ price: "12.5" }] }]);
    const variant = product!.variants[0]!.id;
    const payload = await create({
      customerGets: {
        value: { discountAmount: { amount: "12.5", appliesOnEachItem: false } },
        items: { products: { productVariantsToAdd: [variant] } },
      },
    });
    expect(payload.codeDiscountNode).toMatchObject({
      codeDiscount: {
        customerGets: {
          items: {
            __typename: "DiscountProducts",
            productVariants: { nodes: [{ id: variant, price: "12.5" }] },
          },
        },
      },
    });
  });

  it.each([
    ["a taken code (any case)", { code: "loy-abcd" }, ["basicCodeDiscount", "code"], "TAKEN"],
    [
      "an unknown customer",
      { context: { customers: { add: ["gid://shopify/Customer/1"] } } },
      ["basicCodeDiscount", "context", "customers", "add", "0"],
      "INVALID",
    ],
    [
      "a percentage above 1",
      { customerGets: { value: { percentage: 1.5 }, items: { all: true } } },
      ["basicCodeDiscount", "customerGets", "value", "percentage"],
      "VALUE_OUTSIDE_RANGE",
    ],
    [
      "an end before the start",
      { endsAt: "2025-05-01T00:00:00Z" },
      ["basicCodeDiscount", "endsAt"],
      "INVALID",
    ],
    ["no buyers", { context: null }, ["basicCodeDiscount", "context"], "BLANK"],
  ])("answers userErrors for %s and writes nothing", async (_, overrides, field, code) => {
    if (code === "TAKEN") await create();
    const payload = await create({ code: code === "TAKEN" ? "loy-abcd" : "LOY-OTHER", ...overrides });
    expect(payload.codeDiscountNode).toBeNull();
    expect(payload.userErrors).toContainEqual(expect.objectContaining({ field, code }));
    const { body } = await adminQuery(
      emulator,
      token,
      `{ codeDiscountNodeByCode(code: "LOY-OTHER") { id } }`,
    );
    expect(body.data).toEqual({ codeDiscountNodeByCode: null });
  });
});

describe("free shipping, delete and planned faults", () => {
  it("creates a free-shipping code and deletes it; a second delete says it does not exist", async () => {
    const { body } = await adminQuery(
      emulator,
      token,
      `mutation($input: DiscountCodeFreeShippingInput!) { discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) {
        codeDiscountNode { id codeDiscount { __typename } } userErrors { message } } }`,
      { input: { ...input({ customerGets: undefined }), destination: { all: true } } },
    );
    const created = (body.data as { discountCodeFreeShippingCreate: Payload }).discountCodeFreeShippingCreate;
    expect(created.codeDiscountNode).toMatchObject({
      codeDiscount: { __typename: "DiscountCodeFreeShipping" },
    });
    const remove = `mutation($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId userErrors { message } } }`;
    const first = await adminQuery(emulator, token, remove, { id: created.codeDiscountNode!.id });
    expect(first.body.data).toEqual({
      discountCodeDelete: { deletedCodeDiscountId: created.codeDiscountNode!.id, userErrors: [] },
    });
    const second = await adminQuery(emulator, token, remove, { id: created.codeDiscountNode!.id });
    expect(second.body.data).toEqual({
      discountCodeDelete: {
        deletedCodeDiscountId: null,
        userErrors: [{ message: "Discount does not exist" }],
      },
    });
  });

  it("fails the next N discount mutations through the control API, then recovers", async () => {
    const plan = (body: unknown) =>
      fetch(`${emulator.url}/_emulator/shops/${SHOP}/faults`, { method: "POST", body: JSON.stringify(body) });
    expect((await plan({ kind: "serverError", count: 1 })).status).toBe(201);
    expect(
      (await plan({ kind: "userErrors", count: 1, mutations: ["discountCodeBasicCreate"] })).status,
    ).toBe(201);
    expect((await plan({ kind: "sometimes" })).status).toBe(400);

    const outage = await adminQuery(emulator, token, CREATE, { input: input() });
    expect(outage.status).toBe(500);
    const refused = await create();
    expect(refused).toEqual({
      codeDiscountNode: null,
      userErrors: [expect.objectContaining({ code: "INTERNAL_ERROR" })],
    });
    expect((await create()).userErrors).toEqual([]);
  });

  it("answers a planned THROTTLED without writing, and a planned timeout after writing", async () => {
    const plan = (body: unknown) =>
      fetch(`${emulator.url}/_emulator/shops/${SHOP}/faults`, { method: "POST", body: JSON.stringify(body) });
    expect((await plan({ kind: "throttled", count: 1, mutations: ["discountCodeBasicCreate"] })).status).toBe(
      201,
    );
    expect((await plan({ kind: "timeout", count: 1, mutations: ["discountCodeBasicCreate"] })).status).toBe(
      201,
    );

    const throttled = await adminQuery(emulator, token, CREATE, { input: input() });
    expect(throttled.status).toBe(200);
    expect(throttled.body.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "THROTTLED" }) }),
    ]);
    expect(throttled.body.extensions).toMatchObject({ cost: { throttleStatus: { currentlyAvailable: 0 } } });

    // The timed-out call ran: the code exists although the caller never heard back.
    await expect(adminQuery(emulator, token, CREATE, { input: input() })).rejects.toThrow();
    const lookup = await adminQuery(emulator, token, `{ codeDiscountNodeByCode(code: "LOY-ABCD") { id } }`);
    expect(lookup.body.data).toEqual({ codeDiscountNodeByCode: { id: expect.any(String) } });
    expect((await create()).userErrors).toEqual([
      expect.objectContaining({ field: ["basicCodeDiscount", "code"] }),
    ]);
  });

  it("prices a mutation at 10 points against the shop's bucket", async () => {
    const { body } = await adminQuery(emulator, token, CREATE, { input: input() });
    expect(body.extensions).toMatchObject({
      cost: { requestedQueryCost: 10, throttleStatus: { currentlyAvailable: 1990 } },
    });
  });
});
