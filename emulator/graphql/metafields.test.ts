import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../server";
import { adminQuery, installApp, startTestEmulator, TEST_API_KEY } from "../testing";
import { metafieldsOf } from "./metafields";

const SHOP = "demo-loyalty.myshopify.com";
let emulator: Emulator;
let token: string;
let customerId: string;

const SET = `mutation($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { namespace key type value }
    userErrors { field message code elementIndex }
  }
}`;

type SetPayload = {
  metafields: Array<Record<string, string>> | null;
  userErrors: Array<{ field: string[]; code: string; elementIndex: number | null }>;
};
async function set(metafields: unknown[]): Promise<SetPayload> {
  const { body } = await adminQuery(emulator, token, SET, { metafields });
  return (body.data as { metafieldsSet: SetPayload }).metafieldsSet;
}
const balance = (value: string, extra: Record<string, unknown> = {}) => ({
  ownerId: customerId,
  namespace: "$app",
  key: "balance",
  type: "number_integer",
  value,
  ...extra,
});

beforeEach(async () => {
  emulator = await startTestEmulator();
  token = await installApp(emulator, SHOP);
  customerId = emulator.store.addCustomers(SHOP, [{ email: "ana@example.com" }])[0]!.id;
});
afterEach(() => emulator.close());

describe("metafieldsSet", () => {
  it("writes $app metafields under the app's reserved namespace and reads them back", async () => {
    const payload = await set([
      balance("120"),
      { ownerId: customerId, namespace: "$app", key: "progress", type: "json", value: '{"remaining":80}' },
    ]);
    expect(payload.userErrors).toEqual([]);
    expect(payload.metafields?.[0]).toEqual({
      namespace: `app--${TEST_API_KEY}`,
      key: "balance",
      type: "number_integer",
      value: "120",
    });
    const { body } = await adminQuery(
      emulator,
      token,
      `query($id: ID!) { customer(id: $id) {
        balance: metafield(namespace: "$app", key: "balance") { value jsonValue }
        progress: metafield(key: "$app.progress") { jsonValue }
        metafields(first: 10, namespace: "$app") { nodes { key } }
      } }`,
      { id: customerId },
    );
    expect(body.data).toEqual({
      customer: {
        balance: { value: "120", jsonValue: 120 },
        progress: { jsonValue: { remaining: 80 } },
        metafields: { nodes: [{ key: "balance" }, { key: "progress" }] },
      },
    });
  });

  it("writes a shop metafield and reads it back on the shop; another shop's id is refused", async () => {
    const { body: shopBody } = await adminQuery(emulator, token, `{ shop { id } }`);
    const shopId = (shopBody.data as { shop: { id: string } }).shop.id;
    const value = '{"accentColor":"#ff0066"}';
    const payload = await set([{ ownerId: shopId, namespace: "$app", key: "widget", type: "json", value }]);
    expect(payload.userErrors).toEqual([]);
    const { body } = await adminQuery(
      emulator,
      token,
      `{ shop { widget: metafield(namespace: "$app", key: "widget") { value ownerType jsonValue } } }`,
    );
    expect(body.data).toEqual({
      shop: { widget: { value, ownerType: "SHOP", jsonValue: { accentColor: "#ff0066" } } },
    });
    const other = await set([
      { ownerId: "gid://shopify/Shop/999999", namespace: "$app", key: "widget", type: "json", value },
    ]);
    expect(other.userErrors[0]).toMatchObject({
      field: ["metafields", "0", "ownerId"],
      code: "INVALID_VALUE",
    });
  });

  it("refuses more than 25 at once and an invalid element, writing none of the batch", async () => {
    const many = await set(Array.from({ length: 26 }, (_, i) => balance(String(i), { key: `k${i}` })));
    expect(many.userErrors).toEqual([expect.objectContaining({ code: "LESS_THAN_OR_EQUAL_TO" })]);
    const mixed = await set([
      balance("5"),
      balance("1.5", { key: "tier_points" }),
      balance("x", { key: "other" }),
    ]);
    expect(mixed.metafields).toBeNull();
    expect(mixed.userErrors.map((e) => [e.elementIndex, e.code])).toEqual([
      [1, "INVALID_VALUE"],
      [2, "INVALID_VALUE"],
    ]);
    expect(metafieldsOf(emulator.store.requireShop(SHOP), customerId)).toEqual([]);
  });

  it("keeps a metafield's type and checks compareDigest", async () => {
    await set([balance("1")]);
    const retyped = await set([balance("1", { type: "single_line_text_field" })]);
    expect(retyped.userErrors).toEqual([expect.objectContaining({ code: "INVALID_TYPE" })]);
    const stale = await set([balance("2", { compareDigest: "0".repeat(64) })]);
    expect(stale.userErrors).toEqual([expect.objectContaining({ code: "STALE_OBJECT" })]);
    const unknownOwner = await set([balance("2", { ownerId: "gid://shopify/Customer/1" })]);
    expect(unknownOwner.userErrors).toEqual([
      expect.objectContaining({ field: ["metafields", "0", "ownerId"] }),
    ]);
  });
});
