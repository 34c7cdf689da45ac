import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../server";
import { adminQuery, installApp, startTestEmulator, TEST_API_KEY } from "../testing";
import { functionFromToml } from "./discount-automatic-functions";

const SHOP = "demo-loyalty.myshopify.com";
let emulator: Emulator;
let token: string;

const FIELDS = `automaticAppDiscount { discountId title status startsAt endsAt discountClasses
  combinesWith { productDiscounts orderDiscounts shippingDiscounts } appDiscountType { functionId appKey } }
  userErrors { field message code }`;
const CREATE = `mutation($input: DiscountAutomaticAppInput!) { discountAutomaticAppCreate(automaticAppDiscount: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: DiscountAutomaticAppInput!) { discountAutomaticAppUpdate(id: $id, automaticAppDiscount: $input) { ${FIELDS} } }`;
const NODE = `query($id: ID!) { automaticDiscountNode(id: $id) { id
  automaticDiscount { __typename ... on DiscountAutomaticApp { title discountClasses } }
  metafield(namespace: "$app:loyalty-perks", key: "function-configuration") { id namespace type value jsonValue ownerType } } }`;

type Payload = {
  automaticAppDiscount: (Record<string, unknown> & { discountId: string }) | null;
  userErrors: Array<{ field: string[]; message: string; code: string }>;
};

async function call(query: string, variables: Record<string, unknown>) {
  const { body } = await adminQuery(emulator, token, query, variables);
  expect(body.errors).toBeUndefined();
  return body.data as Record<string, Payload>;
}

const config = (percent: number) => ({
  namespace: "$app:loyalty-perks",
  key: "function-configuration",
  type: "json",
  value: JSON.stringify({ version: 1, tiers: [{ id: "gold", perkPercent: percent }] }),
});

const input = (overrides: Record<string, unknown> = {}) => ({
  title: "Loyalty tier perks",
  functionHandle: "tier-perk-discount",
  startsAt: "2025-06-01T00:00:00Z",
  discountClasses: ["PRODUCT", "SHIPPING"],
  combinesWith: { orderDiscounts: true },
  metafields: [config(10)],
  ...overrides,
});

beforeEach(async () => {
  emulator = await startTestEmulator();
  token = await installApp(emulator, SHOP);
});
afterEach(() => emulator.close());

describe("discountAutomaticAppCreate / Update", () => {
  it("creates an automatic discount on this app's function with its configuration metafield", async () => {
    const { discountAutomaticAppCreate: created } = await call(CREATE, { input: input() });
    expect(created!.userErrors).toEqual([]);
    expect(created!.automaticAppDiscount).toMatchObject({
      title: "Loyalty tier perks",
      status: "ACTIVE",
      discountClasses: ["PRODUCT", "SHIPPING"],
      combinesWith: { productDiscounts: false, orderDiscounts: true, shippingDiscounts: false },
      appDiscountType: { appKey: TEST_API_KEY },
    });
    const id = created!.automaticAppDiscount!.discountId;
    expect(id).toMatch(/^gid:\/\/shopify\/DiscountAutomaticNode\/\d+$/);
    const { body } = await adminQuery(emulator, token, NODE, { id });
    const node = (body.data as { automaticDiscountNode: Record<string, unknown> }).automaticDiscountNode;
    expect(node).toMatchObject({
      id,
      automaticDiscount: { __typename: "DiscountAutomaticApp", title: "Loyalty tier perks" },
      metafield: {
        namespace: `app--${TEST_API_KEY}--loyalty-perks`,
        type: "json",
        jsonValue: { version: 1, tiers: [{ id: "gold", perkPercent: 10 }] },
        ownerType: "DISCOUNT",
      },
    });
  });

  it("updates the configuration in place and keeps what the input leaves out", async () => {
    const id = (await call(CREATE, { input: input() })).discountAutomaticAppCreate!.automaticAppDiscount!
      .discountId;
    const before = await adminQuery(emulator, token, NODE, { id });
    const metafieldId = (before.body.data as { automaticDiscountNode: { metafield: { id: string } } })
      .automaticDiscountNode.metafield.id;
    const { discountAutomaticAppUpdate: updated } = await call(UPDATE, {
      id,
      input: { discountClasses: ["ORDER"], metafields: [config(15)] },
    });
    expect(updated!.userErrors).toEqual([]);
    expect(updated!.automaticAppDiscount).toMatchObject({
      title: "Loyalty tier perks",
      discountClasses: ["ORDER"],
    });
    const after = await adminQuery(emulator, token, NODE, { id });
    const metafield = (after.body.data as { automaticDiscountNode: { metafield: Record<string, unknown> } })
      .automaticDiscountNode.metafield;
    expect(metafield).toMatchObject({ id: metafieldId, jsonValue: { tiers: [{ perkPercent: 15 }] } });
  });

  it.each([
    ["an unknown function", { functionHandle: "nope" }, "functionHandle", "Function not found."],
    [
      "no function",
      { functionHandle: undefined },
      "functionHandle",
      "Function handle or function id must be provided.",
    ],
    ["a blank title", { title: " " }, "title", "Title can't be blank"],
    ["bad JSON", { metafields: [{ ...config(1), value: "{" }] }, "metafields", "Value is invalid JSON."],
    [
      "an end before the start",
      { endsAt: "2025-05-01T00:00:00Z" },
      "endsAt",
      "Ends at needs to be after starts_at",
    ],
  ])("refuses %s with userErrors and writes nothing", async (_, overrides, field, message) => {
    const { discountAutomaticAppCreate: created } = await call(CREATE, { input: input(overrides) });
    expect(created!.automaticAppDiscount).toBeNull();
    expect(created!.userErrors).toContainEqual(
      expect.objectContaining({ field: expect.arrayContaining([field]), message }),
    );
    const { body } = await adminQuery(emulator, token, NODE, {
      id: "gid://shopify/DiscountAutomaticNode/1950000001",
    });
    expect((body.data as { automaticDiscountNode: unknown }).automaticDiscountNode).toBeNull();
  });

  it("refuses an update of a discount that does not exist", async () => {
    const { discountAutomaticAppUpdate: updated } = await call(UPDATE, {
      id: "gid://shopify/DiscountAutomaticNode/42",
      input: { title: "x" },
    });
    expect(updated!.userErrors[0]).toMatchObject({ field: ["id"], message: "Discount does not exist" });
  });

  it("lists the app's deployed functions", async () => {
    const { body } = await adminQuery(
      emulator,
      token,
      `{ shopifyFunctions(first: 10, apiType: "discount") { nodes { id handle apiType appKey } } }`,
    );
    const nodes = (body.data as { shopifyFunctions: { nodes: Array<Record<string, string>> } })
      .shopifyFunctions.nodes;
    expect(nodes).toEqual([
      expect.objectContaining({ handle: "tier-perk-discount", apiType: "discount", appKey: TEST_API_KEY }),
    ]);
  });
});

describe("functionFromToml", () => {
  it("derives discount classes from the targets and ignores non-function extensions", () => {
    const fn = functionFromToml(
      `[[extensions]]\nhandle = "x"\ntype = "function"\n[[extensions.targeting]]\ntarget = "cart.delivery-options.discounts.generate.run"\n`,
    );
    expect(fn).toMatchObject({ handle: "x", apiType: "discount", discountClasses: ["SHIPPING"] });
    expect(functionFromToml(`name = "Widget"\ntype = "theme"\n`)).toBeNull();
  });
});
