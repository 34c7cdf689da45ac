import { createHash } from "node:crypto";
import { gid, legacyIdOf, shopifyDateTime } from "../resources/records";
import type { CustomerRecord } from "../resources/records";
import type { ShopState } from "../store";
import { connectionTypes, PAGINATION_ARGS } from "./common";
import { paginate, type PageArgs } from "./connection";
import { plannedUserErrors, takeFault } from "./faults";
import type { GraphqlContext, GraphqlModule } from "./module";

// metafieldsSet on customers and the shop, and reading them back (Customer.metafield /
// metafields, Shop.metafield).
// As in Shopify: at most 25 metafields per call, all written or none, `$app` and
// `$app:<sub>` namespaces resolve to `app--<client id>` and `app--<client id>--<sub>` for
// the calling app, values are validated against their type, a metafield keeps its type,
// and `compareDigest` (when given) must match the stored value's digest.

export const METAFIELDS_SET_LIMIT = 25;

export type MetafieldRecord = {
  legacyId: number;
  id: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
};

type MetafieldState = { byKey: Map<string, MetafieldRecord>; lastId: number };
const states = new WeakMap<ShopState, MetafieldState>();

function stateOf(shop: ShopState): MetafieldState {
  let state = states.get(shop);
  if (!state) {
    state = { byKey: new Map(), lastId: 2_900_000_000 };
    states.set(shop, state);
  }
  return state;
}

/** All metafields of one owner (tests read them without going through GraphQL). */
export function metafieldsOf(shop: ShopState, ownerId: string): MetafieldRecord[] {
  return [...stateOf(shop).byKey.values()].filter((m) => m.ownerId === ownerId);
}

export function resolveNamespace(namespace: string, clientId: string): string {
  if (namespace === "$app") return `app--${clientId}`;
  if (namespace.startsWith("$app:")) return `app--${clientId}--${namespace.slice(5)}`;
  return namespace;
}

const digest = (m: Pick<MetafieldRecord, "type" | "value">) =>
  createHash("sha256").update(`${m.type}\u0000${m.value}`).digest("hex");

const INTEGER = /^-?\d+$/;
const VALIDATORS: Record<string, (value: string) => boolean> = {
  number_integer: (v) => INTEGER.test(v) && Math.abs(Number(v)) <= 9_007_199_254_740_991,
  number_decimal: (v) => /^-?\d+(\.\d+)?$/.test(v),
  boolean: (v) => v === "true" || v === "false",
  single_line_text_field: (v) => !/[\r\n]/.test(v) && v.length <= 65_535,
  multi_line_text_field: (v) => v.length <= 65_535,
  date_time: (v) => !Number.isNaN(Date.parse(v)),
  json: (v) => {
    try {
      JSON.parse(v);
      return true;
    } catch {
      return false;
    }
  },
};

type SetInput = {
  ownerId: string;
  namespace?: string | null;
  key: string;
  value: string;
  type?: string | null;
  compareDigest?: string | null;
};

type SetError = { field: string[]; message: string; code: string; elementIndex: number | null };

const KEY = /^[a-zA-Z0-9_-]{2,64}$/;

function metafieldsSet(_: unknown, args: { metafields: SetInput[] }, ctx: GraphqlContext) {
  if (takeFault(ctx.shop, "metafieldsSet", "userErrors"))
    return {
      metafields: null,
      userErrors: plannedUserErrors("metafieldsSet").map((e) => ({ ...e, elementIndex: null })),
    };
  if (args.metafields.length > METAFIELDS_SET_LIMIT) {
    return {
      metafields: null,
      userErrors: [
        {
          field: ["metafields"],
          message: `Exceeded the maximum metafields input limit of ${METAFIELDS_SET_LIMIT}.`,
          code: "LESS_THAN_OR_EQUAL_TO",
          elementIndex: null,
        },
      ],
    };
  }
  const state = stateOf(ctx.shop);
  const errors: SetError[] = [];
  const planned: Array<{
    key: string;
    input: SetInput;
    namespace: string;
    type: string;
    existing?: MetafieldRecord;
  }> = [];
  args.metafields.forEach((input, i) => {
    const at = (field: string, message: string, code: string) =>
      errors.push({ field: ["metafields", String(i), field], message, code, elementIndex: i });
    const customerId = legacyIdOf("Customer", input.ownerId);
    if (input.ownerId.startsWith("gid://shopify/Shop/")) {
      if (input.ownerId !== ctx.shop.shop.id) return at("ownerId", "Owner does not exist.", "INVALID_VALUE");
    } else if (!input.ownerId.startsWith("gid://shopify/Customer/") || customerId === null) {
      return at(
        "ownerId",
        "Owner type is not supported by the emulator (customers and the shop only).",
        "INVALID_VALUE",
      );
    } else if (!ctx.shop.customers.has(customerId))
      return at("ownerId", "Owner does not exist.", "INVALID_VALUE");
    const namespace = resolveNamespace(input.namespace ?? "$app", ctx.token.clientId);
    if (!KEY.test(input.key))
      return at("key", "Key must be 2-64 letters, digits, dashes or underscores.", "INVALID");
    const mapKey = `${input.ownerId}|${namespace}|${input.key}`;
    const existing = state.byKey.get(mapKey);
    const type = input.type ?? existing?.type;
    if (!type) return at("type", "Type can't be blank when creating a metafield.", "BLANK");
    if (existing && existing.type !== type)
      return at("type", `Type must be ${existing.type}, the type of the existing metafield.`, "INVALID_TYPE");
    const validate = VALIDATORS[type];
    if (!validate) return at("type", `Type ${type} is not supported by the emulator.`, "INVALID_TYPE");
    if (!validate(input.value)) return at("value", `Value is invalid for type ${type}.`, "INVALID_VALUE");
    if (input.compareDigest != null && (!existing || digest(existing) !== input.compareDigest))
      return at("compareDigest", "The resource has been updated since it was loaded.", "STALE_OBJECT");
    planned.push({ key: mapKey, input, namespace, type, existing });
  });
  if (errors.length) return { metafields: null, userErrors: errors };
  const now = shopifyDateTime(ctx.config.now());
  const written = planned.map(({ key, input, namespace, type, existing }) => {
    const legacyId = existing?.legacyId ?? ++state.lastId;
    const record: MetafieldRecord = {
      legacyId,
      id: gid("Metafield", legacyId),
      ownerId: input.ownerId,
      namespace,
      key: input.key,
      type,
      value: input.value,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    state.byKey.set(key, record);
    return record;
  });
  return { metafields: written, userErrors: [] };
}

function lookup(
  owner: { id: string },
  ctx: GraphqlContext,
  namespace: string | null | undefined,
  key: string,
) {
  let ns = namespace;
  let k = key;
  if (!ns && key.includes(".")) {
    ns = key.slice(0, key.lastIndexOf("."));
    k = key.slice(key.lastIndexOf(".") + 1);
  }
  const resolved = resolveNamespace(ns ?? "$app", ctx.token.clientId);
  return stateOf(ctx.shop).byKey.get(`${owner.id}|${resolved}|${k}`) ?? null;
}

export const metafieldsModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    scalar JSON
    enum MetafieldOwnerType { CUSTOMER DISCOUNT SHOP }
    type Metafield {
      id: ID!
      namespace: String!
      key: String!
      type: String!
      value: String!
      jsonValue: JSON!
      compareDigest: String!
      ownerType: MetafieldOwnerType!
      createdAt: DateTime!
      updatedAt: DateTime!
    }
    ${connectionTypes("Metafield")}
    input MetafieldsSetInput {
      ownerId: ID!
      namespace: String
      key: String!
      value: String!
      type: String
      compareDigest: String
    }
    type MetafieldsSetUserError { field: [String!] message: String! code: String elementIndex: Int }
    type MetafieldsSetPayload { metafields: [Metafield!] userErrors: [MetafieldsSetUserError!]! }

    extend type Customer {
      metafield(namespace: String, key: String!): Metafield
      metafields(${PAGINATION_ARGS}, namespace: String, keys: [String!]): MetafieldConnection!
    }
    extend type Shop {
      metafield(namespace: String, key: String!): Metafield
    }
    extend type Mutation {
      metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
    }
  `,
  resolvers: {
    Mutation: { metafieldsSet },
    Customer: {
      metafield: (c: CustomerRecord, args: { namespace?: string | null; key: string }, ctx: GraphqlContext) =>
        lookup(c, ctx, args.namespace, args.key),
      metafields: (
        c: CustomerRecord,
        args: PageArgs & { namespace?: string | null; keys?: string[] | null },
        ctx: GraphqlContext,
      ) => {
        const namespace = args.namespace ? resolveNamespace(args.namespace, ctx.token.clientId) : null;
        const keys = args.keys?.map((k) => {
          const dot = k.lastIndexOf(".");
          return `${resolveNamespace(k.slice(0, dot), ctx.token.clientId)}.${k.slice(dot + 1)}`;
        });
        const matches = metafieldsOf(ctx.shop, c.id).filter(
          (m) =>
            (!namespace || m.namespace === namespace) && (!keys || keys.includes(`${m.namespace}.${m.key}`)),
        );
        return paginate(
          matches.sort((a, b) => a.legacyId - b.legacyId),
          args,
        );
      },
    },
    Shop: {
      metafield: (s: { id: string }, args: { namespace?: string | null; key: string }, ctx: GraphqlContext) =>
        lookup(s, ctx, args.namespace, args.key),
    },
    Metafield: {
      jsonValue: (m: MetafieldRecord) => {
        if (m.type === "json") return JSON.parse(m.value) as unknown;
        if (m.type === "number_integer" || m.type === "number_decimal") return Number(m.value);
        if (m.type === "boolean") return m.value === "true";
        return m.value;
      },
      compareDigest: (m: MetafieldRecord) => digest(m),
      ownerType: (m: MetafieldRecord) =>
        m.ownerId.startsWith("gid://shopify/DiscountAutomaticNode/")
          ? "DISCOUNT"
          : m.ownerId.startsWith("gid://shopify/Shop/")
            ? "SHOP"
            : "CUSTOMER",
    },
  },
};
