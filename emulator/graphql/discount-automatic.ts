import { gid, legacyIdOf, shopifyDateTime } from "../resources/records";
import type { ShopState } from "../store";
import { connectionTypes, PAGINATION_ARGS } from "./common";
import { paginate, type PageArgs } from "./connection";
import { deployedFunctions, type DiscountClass } from "./discount-automatic-functions";
import type { DiscountUserError } from "./discounts-input";
import { plannedUserErrors, takeFault } from "./faults";
import { resolveNamespace, type MetafieldRecord } from "./metafields";
import type { GraphqlContext, GraphqlModule } from "./module";

// Automatic app discounts backed by a Shopify Function: discountAutomaticAppCreate /
// discountAutomaticAppUpdate (by functionHandle or the deprecated functionId, with
// discountClasses, combinesWith and metafields that configure the function),
// automaticDiscountNode(id) with its metafields, and shopifyFunctions (the app's deployed
// functions, read from extensions/). As in Shopify: the function must be one of the
// calling app's, the classes must be ones its targets can give, a discount keeps its
// function, metafields are typed and `$app` namespaces resolve per app, and a refused
// input writes nothing.

type CombinesWith = { productDiscounts: boolean; orderDiscounts: boolean; shippingDiscounts: boolean };

export type AutomaticAppDiscountRecord = {
  legacyId: number;
  id: string;
  title: string;
  functionId: string;
  functionHandle: string;
  discountClasses: DiscountClass[];
  combinesWith: CombinesWith;
  startsAt: string;
  endsAt: string | null;
  metafields: MetafieldRecord[];
  createdAt: string;
  updatedAt: string;
};

type MetafieldInput = {
  id?: string | null;
  namespace?: string | null;
  key?: string | null;
  value?: string | null;
  type?: string | null;
};

type AutomaticAppInput = {
  title?: string | null;
  functionHandle?: string | null;
  functionId?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  discountClasses?: DiscountClass[] | null;
  combinesWith?: Partial<CombinesWith> | null;
  metafields?: MetafieldInput[] | null;
};

type State = { byId: Map<number, AutomaticAppDiscountRecord>; lastId: number; lastMetafieldId: number };
const states = new WeakMap<ShopState, State>();

export function automaticDiscountsOf(shop: ShopState): State {
  let state = states.get(shop);
  if (!state) {
    state = { byId: new Map(), lastId: 1_950_000_000, lastMetafieldId: 2_950_000_000 };
    states.set(shop, state);
  }
  return state;
}

const SUPPORTED_METAFIELD_TYPES = new Set(["json", "single_line_text_field", "number_integer", "boolean"]);

function status(record: AutomaticAppDiscountRecord, now: number): string {
  if (record.endsAt && Date.parse(record.endsAt) <= now) return "EXPIRED";
  return Date.parse(record.startsAt) > now ? "SCHEDULED" : "ACTIVE";
}

type Built = Omit<AutomaticAppDiscountRecord, "legacyId" | "id" | "createdAt">;

/** Validates input against an existing discount (update) or nothing (create); errors or the new state. */
function build(
  input: AutomaticAppInput,
  existing: AutomaticAppDiscountRecord | null,
  ctx: GraphqlContext,
  state: State,
): { errors: DiscountUserError[] } | { record: Built } {
  const errors: DiscountUserError[] = [];
  const error = (field: string, message: string, code = "INVALID") =>
    errors.push({ field: ["automaticAppDiscount", field], message, code, extraInfo: null });
  const now = ctx.config.now();

  const title = input.title ?? existing?.title;
  if (!title?.trim()) error("title", "Title can't be blank", "BLANK");

  let fn = existing ? deployedFunctions().find((f) => f.id === existing.functionId) : undefined;
  if (input.functionHandle != null || input.functionId != null) {
    const wanted = deployedFunctions().find((f) =>
      input.functionHandle != null ? f.handle === input.functionHandle : f.id === input.functionId,
    );
    const field = input.functionHandle != null ? "functionHandle" : "functionId";
    if (!wanted || wanted.apiType !== "discount") error(field, "Function not found.", "INVALID");
    else if (existing && wanted.id !== existing.functionId)
      error(field, "Cannot change the function of an existing discount.", "INVALID");
    else fn = wanted;
  } else if (!existing) {
    error("functionHandle", "Function handle or function id must be provided.", "MISSING_ARGUMENT");
  }

  const discountClasses = input.discountClasses ?? existing?.discountClasses ?? fn?.discountClasses ?? [];
  if (fn && discountClasses.length === 0)
    error("discountClasses", "Discount classes can't be blank.", "BLANK");
  for (const cls of discountClasses) {
    if (fn && !fn.discountClasses.includes(cls))
      error("discountClasses", `The function does not support the ${cls} discount class.`, "INVALID");
  }

  const startsAt = input.startsAt ?? existing?.startsAt ?? shopifyDateTime(now);
  const endsAt = input.endsAt !== undefined ? input.endsAt : (existing?.endsAt ?? null);
  if (Number.isNaN(Date.parse(startsAt))) error("startsAt", "Starts at is invalid", "INVALID");
  if (endsAt !== null && (Number.isNaN(Date.parse(endsAt)) || Date.parse(endsAt) <= Date.parse(startsAt)))
    error("endsAt", "Ends at needs to be after starts_at", "INVALID");

  const metafields = (existing?.metafields ?? []).map((m) => ({ ...m }));
  const stamp = shopifyDateTime(now);
  (input.metafields ?? []).forEach((m, i) => {
    const at = (field: string, message: string, code = "INVALID") =>
      errors.push({
        field: ["automaticAppDiscount", "metafields", String(i), field],
        message,
        code,
        extraInfo: null,
      });
    const match =
      m.id != null
        ? metafields.find((x) => x.id === m.id)
        : metafields.find(
            (x) =>
              x.namespace === resolveNamespace(m.namespace ?? "$app", ctx.token.clientId) && x.key === m.key,
          );
    if (m.id != null && !match) return at("id", "Metafield does not exist.");
    const type = m.type ?? match?.type;
    if (!match && !m.key) return at("key", "Key can't be blank.", "BLANK");
    if (!type || !SUPPORTED_METAFIELD_TYPES.has(type))
      return at("type", `Type ${type ?? "(blank)"} is not supported.`);
    if (match && match.type !== type) return at("type", `Type must be ${match.type}.`, "INVALID_TYPE");
    if (m.value == null) return at("value", "Value can't be blank.", "BLANK");
    if (type === "json") {
      try {
        JSON.parse(m.value);
      } catch {
        return at("value", "Value is invalid JSON.", "INVALID_VALUE");
      }
    }
    if (match) {
      match.value = m.value;
      match.updatedAt = stamp;
      return;
    }
    const legacyId = ++state.lastMetafieldId;
    metafields.push({
      legacyId,
      id: gid("Metafield", legacyId),
      ownerId: existing?.id ?? "",
      namespace: resolveNamespace(m.namespace ?? "$app", ctx.token.clientId),
      key: m.key!,
      type,
      value: m.value,
      createdAt: stamp,
      updatedAt: stamp,
    });
  });

  if (errors.length || !fn || !title) return { errors };
  return {
    record: {
      title: title.trim(),
      functionId: fn.id,
      functionHandle: fn.handle,
      discountClasses: [...new Set(discountClasses)],
      combinesWith: {
        productDiscounts:
          input.combinesWith?.productDiscounts ?? existing?.combinesWith.productDiscounts ?? false,
        orderDiscounts: input.combinesWith?.orderDiscounts ?? existing?.combinesWith.orderDiscounts ?? false,
        shippingDiscounts:
          input.combinesWith?.shippingDiscounts ?? existing?.combinesWith.shippingDiscounts ?? false,
      },
      startsAt: shopifyDateTime(startsAt),
      endsAt: endsAt === null ? null : shopifyDateTime(endsAt),
      metafields,
      updatedAt: stamp,
    },
  };
}

function create(_: unknown, args: { automaticAppDiscount: AutomaticAppInput }, ctx: GraphqlContext) {
  if (takeFault(ctx.shop, "discountAutomaticAppCreate", "userErrors"))
    return { automaticAppDiscount: null, userErrors: plannedUserErrors("discountAutomaticAppCreate") };
  const state = automaticDiscountsOf(ctx.shop);
  const built = build(args.automaticAppDiscount, null, ctx, state);
  if ("errors" in built) return { automaticAppDiscount: null, userErrors: built.errors };
  const legacyId = ++state.lastId;
  const id = gid("DiscountAutomaticNode", legacyId);
  const record: AutomaticAppDiscountRecord = {
    legacyId,
    id,
    createdAt: built.record.updatedAt,
    ...built.record,
    metafields: built.record.metafields.map((m) => ({ ...m, ownerId: id })),
  };
  state.byId.set(legacyId, record);
  return { automaticAppDiscount: record, userErrors: [] };
}

function update(
  _: unknown,
  args: { id: string; automaticAppDiscount: AutomaticAppInput },
  ctx: GraphqlContext,
) {
  if (takeFault(ctx.shop, "discountAutomaticAppUpdate", "userErrors"))
    return { automaticAppDiscount: null, userErrors: plannedUserErrors("discountAutomaticAppUpdate") };
  const state = automaticDiscountsOf(ctx.shop);
  const existing = state.byId.get(legacyIdOf("DiscountAutomaticNode", args.id) ?? -1);
  if (!existing)
    return {
      automaticAppDiscount: null,
      userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID", extraInfo: null }],
    };
  const built = build(args.automaticAppDiscount, existing, ctx, state);
  if ("errors" in built) return { automaticAppDiscount: null, userErrors: built.errors };
  Object.assign(existing, built.record, {
    metafields: built.record.metafields.map((m) => ({ ...m, ownerId: existing.id })),
  });
  return { automaticAppDiscount: existing, userErrors: [] };
}

function metafieldOf(
  record: AutomaticAppDiscountRecord,
  ctx: GraphqlContext,
  namespace: string | null,
  key: string,
) {
  const ns = resolveNamespace(namespace ?? "$app", ctx.token.clientId);
  return record.metafields.find((m) => m.namespace === ns && m.key === key) ?? null;
}

export const discountAutomaticModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    enum DiscountClass { PRODUCT ORDER SHIPPING }
    type DiscountCombinesWith { productDiscounts: Boolean! orderDiscounts: Boolean! shippingDiscounts: Boolean! }
    type AppDiscountType { functionId: String! title: String! appKey: String! discountClasses: [DiscountClass!]! }
    type DiscountAutomaticApp {
      discountId: ID!
      title: String!
      status: DiscountStatus!
      startsAt: DateTime!
      endsAt: DateTime
      discountClasses: [DiscountClass!]!
      combinesWith: DiscountCombinesWith!
      appDiscountType: AppDiscountType!
      createdAt: DateTime!
      updatedAt: DateTime!
    }
    union DiscountAutomatic = DiscountAutomaticApp
    type DiscountAutomaticNode {
      id: ID!
      automaticDiscount: DiscountAutomatic!
      metafield(namespace: String, key: String!): Metafield
      metafields(${PAGINATION_ARGS}, namespace: String): MetafieldConnection!
    }
    type ShopifyFunction { id: String! handle: String! title: String! apiType: String! appKey: String! }
    ${connectionTypes("ShopifyFunction")}

    input MetafieldInput { id: ID namespace: String key: String value: String type: String }
    input DiscountAutomaticAppInput {
      title: String
      functionHandle: String
      functionId: String
      startsAt: DateTime
      endsAt: DateTime
      discountClasses: [DiscountClass!]
      combinesWith: DiscountCombinesWithInput
      metafields: [MetafieldInput!]
      appliesOnOneTimePurchase: Boolean
      appliesOnSubscription: Boolean
    }
    type DiscountAutomaticAppCreatePayload { automaticAppDiscount: DiscountAutomaticApp userErrors: [DiscountUserError!]! }
    type DiscountAutomaticAppUpdatePayload { automaticAppDiscount: DiscountAutomaticApp userErrors: [DiscountUserError!]! }

    extend type Query {
      automaticDiscountNode(id: ID!): DiscountAutomaticNode
      shopifyFunctions(${PAGINATION_ARGS}, apiType: String): ShopifyFunctionConnection!
    }
    extend type Mutation {
      discountAutomaticAppCreate(automaticAppDiscount: DiscountAutomaticAppInput!): DiscountAutomaticAppCreatePayload
      discountAutomaticAppUpdate(id: ID!, automaticAppDiscount: DiscountAutomaticAppInput!): DiscountAutomaticAppUpdatePayload
    }
  `,
  resolvers: {
    Query: {
      automaticDiscountNode: (_: unknown, args: { id: string }, ctx: GraphqlContext) =>
        automaticDiscountsOf(ctx.shop).byId.get(legacyIdOf("DiscountAutomaticNode", args.id) ?? -1) ?? null,
      shopifyFunctions: (_: unknown, args: PageArgs & { apiType?: string | null }, ctx: GraphqlContext) =>
        paginate(
          deployedFunctions()
            .filter((f) => !args.apiType || f.apiType === args.apiType)
            .map((f, i) => ({ ...f, legacyId: i + 1, appKey: ctx.token.clientId })),
          args,
        ),
    },
    Mutation: { discountAutomaticAppCreate: create, discountAutomaticAppUpdate: update },
    DiscountAutomaticNode: {
      automaticDiscount: (r: AutomaticAppDiscountRecord) => ({ ...r, __typename: "DiscountAutomaticApp" }),
      metafield: (
        r: AutomaticAppDiscountRecord,
        args: { namespace?: string | null; key: string },
        ctx: GraphqlContext,
      ) => metafieldOf(r, ctx, args.namespace ?? null, args.key),
      metafields: (
        r: AutomaticAppDiscountRecord,
        args: PageArgs & { namespace?: string | null },
        ctx: GraphqlContext,
      ) => {
        const ns = args.namespace ? resolveNamespace(args.namespace, ctx.token.clientId) : null;
        return paginate(
          r.metafields.filter((m) => !ns || m.namespace === ns),
          args,
        );
      },
    },
    DiscountAutomaticApp: {
      discountId: (r: AutomaticAppDiscountRecord) => r.id,
      status: (r: AutomaticAppDiscountRecord, _: unknown, ctx: GraphqlContext) => status(r, ctx.config.now()),
      appDiscountType: (r: AutomaticAppDiscountRecord, _: unknown, ctx: GraphqlContext) => {
        const fn = deployedFunctions().find((f) => f.id === r.functionId);
        return {
          functionId: r.functionId,
          title: fn?.title ?? r.functionHandle,
          appKey: ctx.token.clientId,
          discountClasses: fn?.discountClasses ?? r.discountClasses,
        };
      },
    },
  },
};
