import type { ShopRecord } from "../resources/records";
import type { GraphqlContext, GraphqlModule } from "./module";

// shop { ... }: the shop the access token was issued for.

export const shopModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    type ShopPlan {
      displayName: String!
      partnerDevelopment: Boolean!
      shopifyPlus: Boolean!
    }

    type Shop {
      id: ID!
      name: String!
      email: String!
      myshopifyDomain: String!
      url: URL!
      currencyCode: CurrencyCode!
      ianaTimezone: String!
      plan: ShopPlan!
      createdAt: DateTime!
    }

    extend type Query {
      shop: Shop!
    }
  `,
  resolvers: {
    Query: {
      shop: (_: unknown, _args: unknown, ctx: GraphqlContext) => ctx.shop.shop,
    },
    Shop: {
      myshopifyDomain: (s: ShopRecord) => s.domain,
      url: (s: ShopRecord) => `https://${s.domain}`,
      plan: (s: ShopRecord) => ({
        displayName: s.planDisplayName,
        partnerDevelopment: s.planDisplayName === "Development",
        shopifyPlus: s.planDisplayName.startsWith("Shopify Plus"),
      }),
    },
  },
};
