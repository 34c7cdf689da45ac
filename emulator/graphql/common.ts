import type { GraphqlModule } from "./module";

// Types shared by every resource. Scalars keep Shopify's names; their values travel as
// Shopify sends them (DateTime and Decimal as strings, UnsignedInt64 as a string).

export const commonModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    scalar DateTime
    scalar Decimal
    scalar UnsignedInt64
    scalar URL
    scalar HTML
    "Shopify's CurrencyCode enum, kept open so any ISO 4217 code a shop uses passes through."
    scalar CurrencyCode

    type Query

    type PageInfo {
      hasNextPage: Boolean!
      hasPreviousPage: Boolean!
      startCursor: String
      endCursor: String
    }

    type MoneyV2 {
      amount: Decimal!
      currencyCode: CurrencyCode!
    }

    type MoneyBag {
      shopMoney: MoneyV2!
      presentmentMoney: MoneyV2!
    }
  `,
  resolvers: {},
};

/** SDL for `<Name>Connection` and `<Name>Edge`, the Relay shape every Admin API list uses. */
export function connectionTypes(name: string): string {
  return `
    type ${name}Connection {
      edges: [${name}Edge!]!
      nodes: [${name}!]!
      pageInfo: PageInfo!
    }
    type ${name}Edge {
      cursor: String!
      node: ${name}!
    }
  `;
}

/** Arguments every paginated Admin API list takes. */
export const PAGINATION_ARGS =
  "first: Int, after: String, last: Int, before: String, reverse: Boolean = false";
