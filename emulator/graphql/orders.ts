import { moneyBag } from "../resources/money";
import { lineDiscountedTotal, lineOriginalTotal, orderTotals } from "../resources/order-totals";
import type { LineItemRecord, OrderRecord } from "../resources/records";
import { legacyIdOf } from "../resources/records";
import { connectionTypes, PAGINATION_ARGS } from "./common";
import { paginate, sortRecords, type PageArgs } from "./connection";
import type { GraphqlContext, GraphqlModule } from "./module";
import { findVariant } from "./products";
import { searchFilter, type SearchFields } from "./search-query";

// Order, orders(...) and order(id), with line items and the money sets the app reads.
// No refunds are modelled, so current* amounts equal the original ones.

const SORT_KEYS: Record<string, (o: OrderRecord) => string | number> = {
  ID: (o) => o.legacyId,
  CREATED_AT: (o) => o.createdAt,
  PROCESSED_AT: (o) => o.processedAt,
  UPDATED_AT: (o) => o.updatedAt,
  ORDER_NUMBER: (o) => Number(o.name.replace(/\D/g, "")) || o.legacyId,
  TOTAL_PRICE: (o) => orderTotals(o).total,
};

const SEARCH_FIELDS: SearchFields<OrderRecord> = {
  id: (o) => o.legacyId,
  name: (o) => o.name,
  email: (o) => o.email,
  customer_id: (o) => legacyIdOf("Customer", o.customerId ?? "") ?? null,
  created_at: (o) => o.createdAt,
  processed_at: (o) => o.processedAt,
  updated_at: (o) => o.updatedAt,
  financial_status: (o) => o.financialStatus.toLowerCase(),
  fulfillment_status: (o) => o.fulfillmentStatus.toLowerCase(),
  discount_code: (o) => o.discountCodes.map((c) => c.code),
  tag: (o) => o.tags,
  test: (o) => o.test,
  status: (o) => (o.cancelledAt ? "cancelled" : "open"),
};

const money = (pick: (o: OrderRecord) => number) => (o: OrderRecord) => moneyBag(pick(o), o.currencyCode);

export const ordersModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    enum OrderSortKeys { CREATED_AT ID ORDER_NUMBER PROCESSED_AT TOTAL_PRICE UPDATED_AT }
    enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
    enum OrderDisplayFulfillmentStatus { FULFILLED IN_PROGRESS ON_HOLD PARTIALLY_FULFILLED UNFULFILLED }

    type LineItem {
      id: ID!
      title: String!
      name: String!
      quantity: Int!
      currentQuantity: Int!
      sku: String
      variantTitle: String
      product: Product
      variant: ProductVariant
      originalUnitPriceSet: MoneyBag!
      discountedUnitPriceSet: MoneyBag!
      originalTotalSet: MoneyBag!
      discountedTotalSet: MoneyBag!
      totalDiscountSet: MoneyBag!
    }
    ${connectionTypes("LineItem")}

    type Order {
      id: ID!
      legacyResourceId: UnsignedInt64!
      name: String!
      email: String
      customer: Customer
      createdAt: DateTime!
      processedAt: DateTime!
      updatedAt: DateTime!
      cancelledAt: DateTime
      test: Boolean!
      tags: [String!]!
      sourceName: String
      currencyCode: CurrencyCode!
      presentmentCurrencyCode: CurrencyCode!
      displayFinancialStatus: OrderDisplayFinancialStatus
      displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
      discountCode: String
      discountCodes: [String!]!
      lineItems(${PAGINATION_ARGS}): LineItemConnection!
      subtotalPriceSet: MoneyBag
      currentSubtotalPriceSet: MoneyBag!
      totalPriceSet: MoneyBag!
      currentTotalPriceSet: MoneyBag!
      totalDiscountsSet: MoneyBag
      currentTotalDiscountsSet: MoneyBag!
      totalShippingPriceSet: MoneyBag!
      totalTaxSet: MoneyBag
      currentTotalTaxSet: MoneyBag!
      totalRefundedSet: MoneyBag!
    }
    ${connectionTypes("Order")}

    extend type Query {
      orders(${PAGINATION_ARGS}, query: String, sortKey: OrderSortKeys = PROCESSED_AT): OrderConnection!
      order(id: ID!): Order
    }
  `,
  resolvers: {
    Query: {
      orders: (
        _: unknown,
        args: PageArgs & { query?: string | null; sortKey: string },
        ctx: GraphqlContext,
      ) => {
        const matches = searchFilter(args.query, SEARCH_FIELDS, (o) => [o.name, o.email]);
        const key = SORT_KEYS[args.sortKey] ?? SORT_KEYS.ID!;
        return paginate(sortRecords([...ctx.shop.orders.values()].filter(matches), key), args);
      },
      order: (_: unknown, args: { id: string }, ctx: GraphqlContext) =>
        ctx.shop.orders.get(legacyIdOf("Order", args.id) ?? -1) ?? null,
    },
    Order: {
      legacyResourceId: (o: OrderRecord) => String(o.legacyId),
      customer: (o: OrderRecord, _: unknown, ctx: GraphqlContext) =>
        ctx.shop.customers.get(legacyIdOf("Customer", o.customerId ?? "") ?? -1) ?? null,
      presentmentCurrencyCode: (o: OrderRecord) => o.currencyCode,
      displayFinancialStatus: (o: OrderRecord) => o.financialStatus,
      displayFulfillmentStatus: (o: OrderRecord) => o.fulfillmentStatus,
      discountCode: (o: OrderRecord) => o.discountCodes[0]?.code ?? null,
      discountCodes: (o: OrderRecord) => o.discountCodes.map((c) => c.code),
      lineItems: (o: OrderRecord, args: PageArgs) =>
        paginate(
          o.lineItems.map((line) => ({ ...line, order: o })),
          args,
        ),
      subtotalPriceSet: money((o) => orderTotals(o).subtotal),
      currentSubtotalPriceSet: money((o) => orderTotals(o).subtotal),
      totalPriceSet: money((o) => orderTotals(o).total),
      currentTotalPriceSet: money((o) => orderTotals(o).total),
      totalDiscountsSet: money((o) => orderTotals(o).discounts),
      currentTotalDiscountsSet: money((o) => orderTotals(o).discounts),
      totalShippingPriceSet: money((o) => o.shippingMinor),
      totalTaxSet: money((o) => o.taxMinor),
      currentTotalTaxSet: money((o) => o.taxMinor),
      totalRefundedSet: money(() => 0),
    },
    LineItem: {
      name: (l: LineItemRecord) => (l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title),
      currentQuantity: (l: LineItemRecord) => l.quantity,
      product: (l: LineItemRecord, _: unknown, ctx: GraphqlContext) =>
        ctx.shop.products.get(legacyIdOf("Product", l.productId ?? "") ?? -1) ?? null,
      variant: (l: LineItemRecord, _: unknown, ctx: GraphqlContext) =>
        l.variantId ? findVariant(ctx.shop, l.variantId) : null,
      originalUnitPriceSet: lineMoney((l) => l.unitPriceMinor),
      discountedUnitPriceSet: lineMoney((l) => Math.floor(lineDiscountedTotal(l) / l.quantity)),
      originalTotalSet: lineMoney(lineOriginalTotal),
      discountedTotalSet: lineMoney(lineDiscountedTotal),
      totalDiscountSet: lineMoney((l) => l.discountMinor),
    },
  },
};

type LineWithOrder = LineItemRecord & { order: OrderRecord };

function lineMoney(pick: (l: LineItemRecord) => number) {
  return (l: LineWithOrder) => moneyBag(pick(l), l.order.currencyCode);
}
