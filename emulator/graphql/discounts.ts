import { formatDecimal } from "../resources/money";
import { gid, legacyIdOf } from "../resources/records";
import type { ShopState } from "../store";
import { connectionTypes, PAGINATION_ARGS } from "./common";
import { paginate, type PageArgs } from "./connection";
import { buildDiscount, type DiscountCodeInput, type DiscountRecord } from "./discounts-input";
import { plannedUserErrors, takeFault } from "./faults";
import type { GraphqlContext, GraphqlModule } from "./module";
import { findVariant } from "./products";

// Code discounts: discountCodeBasicCreate (percentage or fixed amount, on every item or on
// chosen variants), discountCodeFreeShippingCreate, discountCodeDeactivate,
// discountCodeDelete, and the codeDiscountNode / codeDiscountNodeByCode lookups. Buyers
// are chosen with `context` (2025-10) or the deprecated `customerSelection`.
// asyncUsageCount counts the shop's orders that carry the code.

export const DISCOUNT_MUTATIONS = [
  "discountCodeBasicCreate",
  "discountCodeFreeShippingCreate",
  "discountCodeDeactivate",
  "discountCodeDelete",
];

type DiscountState = { byId: Map<number, DiscountRecord>; byCode: Map<string, number>; lastId: number };
const states = new WeakMap<ShopState, DiscountState>();

export function discountsOf(shop: ShopState): DiscountState {
  let state = states.get(shop);
  if (!state) {
    state = { byId: new Map(), byCode: new Map(), lastId: 1_900_000_000 };
    states.set(shop, state);
  }
  return state;
}

const codeKey = (code: string) => code.trim().toUpperCase();

function usageCount(shop: ShopState, code: string): number {
  let count = 0;
  for (const order of shop.orders.values()) {
    if (order.discountCodes.some((d) => codeKey(d.code) === codeKey(code))) count += 1;
  }
  return count;
}

function status(record: DiscountRecord, shop: ShopState, now: number): string {
  if (record.usageLimit !== null && usageCount(shop, record.code) >= record.usageLimit) return "EXPIRED";
  if (record.endsAt && Date.parse(record.endsAt) <= now) return "EXPIRED";
  return Date.parse(record.startsAt) > now ? "SCHEDULED" : "ACTIVE";
}

function create(
  mutation: string,
  inputName: string,
  type: DiscountRecord["type"],
  input: DiscountCodeInput,
  ctx: GraphqlContext,
) {
  if (takeFault(ctx.shop, mutation, "userErrors"))
    return { codeDiscountNode: null, userErrors: plannedUserErrors(mutation) };
  const state = discountsOf(ctx.shop);
  const built = buildDiscount(
    inputName,
    type,
    input,
    ctx.shop,
    (code) => state.byCode.has(codeKey(code)),
    ctx.config.now(),
  );
  if ("errors" in built) return { codeDiscountNode: null, userErrors: built.errors };
  const legacyId = ++state.lastId;
  const record: DiscountRecord = { legacyId, id: gid("DiscountCodeNode", legacyId), ...built.record };
  state.byId.set(legacyId, record);
  state.byCode.set(codeKey(record.code), legacyId);
  return { codeDiscountNode: record, userErrors: [] };
}

function byId(ctx: GraphqlContext, id: string): DiscountRecord | null {
  return discountsOf(ctx.shop).byId.get(legacyIdOf("DiscountCodeNode", id) ?? -1) ?? null;
}

const notFound = (field: string) => [
  { field: [field], message: "Discount does not exist", code: "INVALID", extraInfo: null },
];

const SHARED_FIELDS = `
  title: String!
  status: DiscountStatus!
  startsAt: DateTime!
  endsAt: DateTime
  usageLimit: Int
  appliesOncePerCustomer: Boolean!
  asyncUsageCount: Int!
  createdAt: DateTime!
  updatedAt: DateTime!
  codes(${PAGINATION_ARGS}): DiscountRedeemCodeConnection!
  context: DiscountContext!
  minimumRequirement: DiscountMinimumRequirement
`;

const CODE_INPUT_FIELDS = `
  code: String
  title: String
  startsAt: DateTime
  endsAt: DateTime
  usageLimit: Int
  appliesOncePerCustomer: Boolean
  context: DiscountContextInput
  customerSelection: DiscountCustomerSelectionInput
  minimumRequirement: DiscountMinimumRequirementInput
  combinesWith: DiscountCombinesWithInput
`;

const sharedResolvers = {
  status: (r: DiscountRecord, _: unknown, ctx: GraphqlContext) => status(r, ctx.shop, ctx.config.now()),
  asyncUsageCount: (r: DiscountRecord, _: unknown, ctx: GraphqlContext) => usageCount(ctx.shop, r.code),
  codes: (r: DiscountRecord, args: PageArgs, ctx: GraphqlContext) =>
    paginate(
      [
        {
          legacyId: r.legacyId,
          id: gid("DiscountRedeemCode", r.legacyId),
          code: r.code,
          asyncUsageCount: usageCount(ctx.shop, r.code),
        },
      ],
      args,
    ),
  context: (r: DiscountRecord, _: unknown, ctx: GraphqlContext) =>
    r.customerIds === null
      ? { __typename: "DiscountBuyerSelectionAll", all: "ALL" }
      : {
          __typename: "DiscountCustomers",
          customers: r.customerIds.flatMap(
            (id) => ctx.shop.customers.get(legacyIdOf("Customer", id) ?? -1) ?? [],
          ),
        },
  minimumRequirement: (r: DiscountRecord, _: unknown, ctx: GraphqlContext) => {
    if (r.minimumSubtotalMinor !== null) {
      const currencyCode = ctx.shop.shop.currencyCode;
      return {
        __typename: "DiscountMinimumSubtotal",
        greaterThanOrEqualToSubtotal: {
          amount: formatDecimal(r.minimumSubtotalMinor, currencyCode),
          currencyCode,
        },
      };
    }
    if (r.minimumQuantity !== null)
      return {
        __typename: "DiscountMinimumQuantity",
        greaterThanOrEqualToQuantity: String(r.minimumQuantity),
      };
    return null;
  },
  customerGets: (r: DiscountRecord, _: unknown, ctx: GraphqlContext) => {
    const currencyCode = ctx.shop.shop.currencyCode;
    const value =
      r.value?.kind === "amount"
        ? {
            __typename: "DiscountAmount",
            amount: { amount: formatDecimal(r.value.amountMinor, currencyCode), currencyCode },
            appliesOnEachItem: r.value.appliesOnEachItem,
          }
        : {
            __typename: "DiscountPercentage",
            percentage: r.value?.kind === "percentage" ? r.value.percentage : 0,
          };
    const items =
      r.variantIds === null
        ? { __typename: "AllDiscountItems", allItems: true }
        : {
            __typename: "DiscountProducts",
            productVariants: (args: PageArgs) =>
              paginate(
                (r.variantIds ?? []).flatMap((id) => findVariant(ctx.shop, id) ?? []),
                args,
              ),
            products: (args: PageArgs) =>
              paginate(
                (r.productIds ?? []).flatMap(
                  (id) => ctx.shop.products.get(legacyIdOf("Product", id) ?? -1) ?? [],
                ),
                args,
              ),
          };
    return { value, items };
  },
};

export const discountsModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    enum DiscountStatus { ACTIVE EXPIRED SCHEDULED }
    enum DiscountBuyerSelection { ALL }

    type DiscountUserError { field: [String!] message: String! code: String extraInfo: String }
    type DiscountRedeemCode { id: ID! code: String! asyncUsageCount: Int! }
    ${connectionTypes("DiscountRedeemCode")}

    type DiscountCustomers { customers: [Customer!]! }
    type DiscountBuyerSelectionAll { all: DiscountBuyerSelection! }
    union DiscountContext = DiscountCustomers | DiscountBuyerSelectionAll

    type DiscountPercentage { percentage: Float! }
    type DiscountAmount { amount: MoneyV2! appliesOnEachItem: Boolean! }
    union DiscountCustomerGetsValue = DiscountPercentage | DiscountAmount
    type AllDiscountItems { allItems: Boolean! }
    type DiscountProducts { productVariants(${PAGINATION_ARGS}): ProductVariantConnection! products(${PAGINATION_ARGS}): ProductConnection! }
    union DiscountItems = AllDiscountItems | DiscountProducts
    type DiscountCustomerGets { value: DiscountCustomerGetsValue! items: DiscountItems! }

    type DiscountMinimumSubtotal { greaterThanOrEqualToSubtotal: MoneyV2! }
    type DiscountMinimumQuantity { greaterThanOrEqualToQuantity: UnsignedInt64! }
    union DiscountMinimumRequirement = DiscountMinimumSubtotal | DiscountMinimumQuantity

    type DiscountCodeBasic { ${SHARED_FIELDS} customerGets: DiscountCustomerGets! }
    type DiscountCodeFreeShipping { ${SHARED_FIELDS} }
    union DiscountCode = DiscountCodeBasic | DiscountCodeFreeShipping
    type DiscountCodeNode { id: ID! codeDiscount: DiscountCode! }

    input DiscountCustomersInput { add: [ID!] remove: [ID!] }
    input DiscountCustomerSegmentsInput { add: [ID!] remove: [ID!] }
    input DiscountContextInput { all: DiscountBuyerSelection customers: DiscountCustomersInput customerSegments: DiscountCustomerSegmentsInput }
    input DiscountCustomerSelectionInput { all: Boolean customers: DiscountCustomersInput customerSegments: DiscountCustomerSegmentsInput }
    input DiscountAmountInput { amount: Decimal appliesOnEachItem: Boolean }
    input DiscountCustomerGetsValueInput { percentage: Float discountAmount: DiscountAmountInput }
    input DiscountProductsInput { productsToAdd: [ID!] productsToRemove: [ID!] productVariantsToAdd: [ID!] productVariantsToRemove: [ID!] }
    input DiscountItemsInput { all: Boolean products: DiscountProductsInput }
    input DiscountCustomerGetsInput { value: DiscountCustomerGetsValueInput items: DiscountItemsInput appliesOnOneTimePurchase: Boolean appliesOnSubscription: Boolean }
    input DiscountMinimumSubtotalInput { greaterThanOrEqualToSubtotal: Decimal }
    input DiscountMinimumQuantityInput { greaterThanOrEqualToQuantity: UnsignedInt64 }
    input DiscountMinimumRequirementInput { subtotal: DiscountMinimumSubtotalInput quantity: DiscountMinimumQuantityInput }
    input DiscountCombinesWithInput { orderDiscounts: Boolean productDiscounts: Boolean shippingDiscounts: Boolean }
    input DiscountShippingDestinationSelectionInput { all: Boolean }
    input DiscountCodeBasicInput { ${CODE_INPUT_FIELDS} customerGets: DiscountCustomerGetsInput }
    input DiscountCodeFreeShippingInput {
      ${CODE_INPUT_FIELDS}
      destination: DiscountShippingDestinationSelectionInput
      maximumShippingPrice: Decimal
      appliesOnOneTimePurchase: Boolean
      appliesOnSubscription: Boolean
    }

    type DiscountCodeBasicCreatePayload { codeDiscountNode: DiscountCodeNode userErrors: [DiscountUserError!]! }
    type DiscountCodeFreeShippingCreatePayload { codeDiscountNode: DiscountCodeNode userErrors: [DiscountUserError!]! }
    type DiscountCodeDeactivatePayload { codeDiscountNode: DiscountCodeNode userErrors: [DiscountUserError!]! }
    type DiscountCodeDeletePayload { deletedCodeDiscountId: ID userErrors: [DiscountUserError!]! }

    extend type Query {
      codeDiscountNode(id: ID!): DiscountCodeNode
      codeDiscountNodeByCode(code: String!): DiscountCodeNode
      productVariant(id: ID!): ProductVariant
    }
    extend type Mutation {
      discountCodeBasicCreate(basicCodeDiscount: DiscountCodeBasicInput!): DiscountCodeBasicCreatePayload
      discountCodeFreeShippingCreate(freeShippingCodeDiscount: DiscountCodeFreeShippingInput!): DiscountCodeFreeShippingCreatePayload
      discountCodeDeactivate(id: ID!): DiscountCodeDeactivatePayload
      discountCodeDelete(id: ID!): DiscountCodeDeletePayload
    }
  `,
  resolvers: {
    Query: {
      codeDiscountNode: (_: unknown, args: { id: string }, ctx: GraphqlContext) => byId(ctx, args.id),
      codeDiscountNodeByCode: (_: unknown, args: { code: string }, ctx: GraphqlContext) => {
        const state = discountsOf(ctx.shop);
        return state.byId.get(state.byCode.get(codeKey(args.code)) ?? -1) ?? null;
      },
      productVariant: (_: unknown, args: { id: string }, ctx: GraphqlContext) =>
        findVariant(ctx.shop, args.id),
    },
    Mutation: {
      discountCodeBasicCreate: (
        _: unknown,
        args: { basicCodeDiscount: DiscountCodeInput },
        ctx: GraphqlContext,
      ) =>
        create(
          "discountCodeBasicCreate",
          "basicCodeDiscount",
          "DiscountCodeBasic",
          args.basicCodeDiscount,
          ctx,
        ),
      discountCodeFreeShippingCreate: (
        _: unknown,
        args: { freeShippingCodeDiscount: DiscountCodeInput },
        ctx: GraphqlContext,
      ) =>
        create(
          "discountCodeFreeShippingCreate",
          "freeShippingCodeDiscount",
          "DiscountCodeFreeShipping",
          args.freeShippingCodeDiscount,
          ctx,
        ),
      discountCodeDeactivate: (_: unknown, args: { id: string }, ctx: GraphqlContext) => {
        if (takeFault(ctx.shop, "discountCodeDeactivate", "userErrors"))
          return { codeDiscountNode: null, userErrors: plannedUserErrors("discountCodeDeactivate") };
        const record = byId(ctx, args.id);
        if (!record) return { codeDiscountNode: null, userErrors: notFound("id") };
        const now = ctx.config.now();
        if (status(record, ctx.shop, now) !== "EXPIRED") {
          record.endsAt = new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z");
          record.updatedAt = record.endsAt;
        }
        return { codeDiscountNode: record, userErrors: [] };
      },
      discountCodeDelete: (_: unknown, args: { id: string }, ctx: GraphqlContext) => {
        if (takeFault(ctx.shop, "discountCodeDelete", "userErrors"))
          return { deletedCodeDiscountId: null, userErrors: plannedUserErrors("discountCodeDelete") };
        const record = byId(ctx, args.id);
        if (!record) return { deletedCodeDiscountId: null, userErrors: notFound("id") };
        const state = discountsOf(ctx.shop);
        state.byId.delete(record.legacyId);
        state.byCode.delete(codeKey(record.code));
        return { deletedCodeDiscountId: record.id, userErrors: [] };
      },
    },
    DiscountCodeNode: {
      codeDiscount: (record: DiscountRecord) => ({ ...record, __typename: record.type }),
    },
    ...Object.fromEntries(
      ["DiscountCodeBasic", "DiscountCodeFreeShipping"].map((type) => [type, sharedResolvers]),
    ),
  },
};
