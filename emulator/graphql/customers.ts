import { moneyBag } from "../resources/money";
import { countsAsSpent, orderTotals } from "../resources/order-totals";
import type { CustomerRecord } from "../resources/records";
import { gid, legacyIdOf } from "../resources/records";
import { connectionTypes, PAGINATION_ARGS } from "./common";
import { paginate, sortRecords, type PageArgs } from "./connection";
import type { GraphqlContext, GraphqlModule } from "./module";
import { searchFilter, type SearchFields } from "./search-query";

// Customer, customers(...) and customer(id). numberOfOrders and amountSpent are derived
// from the shop's orders, so they always agree with what orders(...) returns.

const SORT_KEYS: Record<string, (c: CustomerRecord) => string | number> = {
  ID: (c) => c.legacyId,
  CREATED_AT: (c) => c.createdAt,
  UPDATED_AT: (c) => c.updatedAt,
  NAME: (c) => `${c.firstName ?? ""} ${c.lastName ?? ""}`.trim().toLowerCase(),
  RELEVANCE: (c) => c.legacyId,
};

const SEARCH_FIELDS: SearchFields<CustomerRecord> = {
  id: (c) => c.legacyId,
  email: (c) => c.email,
  phone: (c) => c.phone,
  first_name: (c) => c.firstName,
  last_name: (c) => c.lastName,
  tag: (c) => c.tags,
  state: (c) => c.state.toLowerCase(),
  created_at: (c) => c.createdAt,
  updated_at: (c) => c.updatedAt,
  accepts_marketing: (c) => c.emailMarketingState === "SUBSCRIBED",
};

function orderStats(customer: CustomerRecord, ctx: GraphqlContext): { count: number; spent: number } {
  const ids = ctx.shop.ordersByCustomer.get(customer.id) ?? new Set<number>();
  let spent = 0;
  for (const id of ids) {
    const order = ctx.shop.orders.get(id);
    if (order && countsAsSpent(order)) spent += orderTotals(order).total;
  }
  return { count: ids.size, spent };
}

export const customersModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    enum CustomerSortKeys { CREATED_AT ID NAME RELEVANCE UPDATED_AT }
    enum CustomerState { DECLINED DISABLED ENABLED INVITED }
    enum CustomerEmailMarketingState { INVALID NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }

    type CustomerEmailMarketingConsentState {
      marketingState: CustomerEmailMarketingState!
      consentUpdatedAt: DateTime
    }
    type CustomerEmailAddress { emailAddress: String! marketingState: CustomerEmailMarketingState! }
    type CustomerPhoneNumber { phoneNumber: String! marketingState: CustomerSmsMarketingState! }
    enum CustomerSmsMarketingState { NOT_SUBSCRIBED PENDING REDACTED SUBSCRIBED UNSUBSCRIBED }
    type CustomerSmsMarketingConsentState {
      marketingState: CustomerSmsMarketingState!
      consentUpdatedAt: DateTime
    }

    type Customer {
      id: ID!
      legacyResourceId: UnsignedInt64!
      email: String
      phone: String
      firstName: String
      lastName: String
      displayName: String!
      defaultEmailAddress: CustomerEmailAddress
      defaultPhoneNumber: CustomerPhoneNumber
      tags: [String!]!
      state: CustomerState!
      verifiedEmail: Boolean!
      numberOfOrders: UnsignedInt64!
      amountSpent: MoneyV2!
      emailMarketingConsent: CustomerEmailMarketingConsentState
      smsMarketingConsent: CustomerSmsMarketingConsentState
      createdAt: DateTime!
      updatedAt: DateTime!
    }
    ${connectionTypes("Customer")}

    extend type Query {
      customers(${PAGINATION_ARGS}, query: String, sortKey: CustomerSortKeys = ID): CustomerConnection!
      customer(id: ID!): Customer
    }
  `,
  resolvers: {
    Query: {
      customers: (
        _: unknown,
        args: PageArgs & { query?: string | null; sortKey: string },
        ctx: GraphqlContext,
      ) => {
        const matches = searchFilter(args.query, SEARCH_FIELDS, (c) => [
          c.email,
          c.firstName,
          c.lastName,
          c.phone,
        ]);
        const key = SORT_KEYS[args.sortKey] ?? SORT_KEYS.ID!;
        return paginate(sortRecords([...ctx.shop.customers.values()].filter(matches), key), args);
      },
      customer: (_: unknown, args: { id: string }, ctx: GraphqlContext) =>
        ctx.shop.customers.get(legacyIdOf("Customer", args.id) ?? -1) ?? null,
    },
    Customer: {
      legacyResourceId: (c: CustomerRecord) => String(c.legacyId),
      displayName: (c: CustomerRecord) =>
        [c.firstName, c.lastName].filter(Boolean).join(" ") ||
        c.email ||
        c.phone ||
        gid("Customer", c.legacyId),
      defaultEmailAddress: (c: CustomerRecord) =>
        c.email ? { emailAddress: c.email, marketingState: c.emailMarketingState } : null,
      defaultPhoneNumber: (c: CustomerRecord) =>
        c.phone ? { phoneNumber: c.phone, marketingState: c.smsMarketingState } : null,
      // The emulator dates a consent by the customer's last update (the consent mutations and
      // the webhook payloads do the same).
      smsMarketingConsent: (c: CustomerRecord) =>
        c.phone ? { marketingState: c.smsMarketingState, consentUpdatedAt: c.updatedAt } : null,
      numberOfOrders: (c: CustomerRecord, _: unknown, ctx: GraphqlContext) =>
        String(orderStats(c, ctx).count),
      amountSpent: (c: CustomerRecord, _: unknown, ctx: GraphqlContext) =>
        moneyBag(orderStats(c, ctx).spent, ctx.shop.shop.currencyCode).shopMoney,
      emailMarketingConsent: (c: CustomerRecord) =>
        c.email ? { marketingState: c.emailMarketingState, consentUpdatedAt: c.updatedAt } : null,
    },
  },
};
