import { describe, expect, it } from "vitest";
import { emulatorConfig } from "../config";
import { EmulatorStore } from "../store";
import { executeAdminQuery } from "./execute";
import type { GraphqlContext, GraphqlModule } from "./module";
import { commonModule } from "./common";
import { buildAdminSchema, MODULES } from "./schema";
import { shopModule } from "./shop";
import { LeakyBuckets } from "./throttle";

// The extension point README promises: a module adding a mutation needs no other change.
const tagsAdd: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    type UserError {
      field: [String!]
      message: String!
    }
    type TagsAddPayload {
      node: Customer
      userErrors: [UserError!]!
    }
    extend type Mutation {
      tagsAdd(id: ID!, tags: [String!]!): TagsAddPayload
    }
  `,
  resolvers: {
    Mutation: {
      tagsAdd: (_: unknown, args: { id: string; tags: string[] }, ctx: GraphqlContext) => {
        const customer = [...ctx.shop.customers.values()].find((c) => c.id === args.id);
        if (!customer) return { node: null, userErrors: [{ field: ["id"], message: "Customer not found" }] };
        customer.tags = [...new Set([...customer.tags, ...args.tags])];
        return { node: customer, userErrors: [] };
      },
    },
  },
};

describe("schema modules", () => {
  it("adds a mutation module and prices mutations at 10 points", async () => {
    const config = emulatorConfig({ apiKey: "k", apiSecret: "s", appUrl: "http://127.0.0.1:9" });
    const store = new EmulatorStore(config.now);
    store.createShop({ domain: "m.myshopify.com" });
    const [customer] = store.addCustomers("m.myshopify.com", [{ email: "a@example.com", tags: ["new"] }]);
    const token = store.tokens.issue({
      shop: "m.myshopify.com",
      clientId: "k",
      kind: "offline",
      scope: "",
      lifetimeSeconds: null,
      refreshLifetimeSeconds: null,
    });
    const ctx = { config, store, shop: store.requireShop("m.myshopify.com"), token };
    const response = await executeAdminQuery(
      {
        query:
          'mutation Tag($id: ID!) { tagsAdd(id: $id, tags: ["vip"]) { node { tags } userErrors { message } } }',
        variables: { id: customer!.id },
      },
      ctx,
      buildAdminSchema([...MODULES, tagsAdd]),
      new LeakyBuckets(config.throttle, config.now),
    );
    expect(response.data).toEqual({ tagsAdd: { node: { tags: ["new", "vip"] }, userErrors: [] } });
    expect(response.extensions?.cost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it("builds without a Mutation root when no module has mutations", () => {
    expect(buildAdminSchema([commonModule, shopModule]).schema.getMutationType()).toBeUndefined();
    expect(buildAdminSchema().schema.getMutationType()?.getFields()).toHaveProperty(
      "discountCodeBasicCreate",
    );
  });
});
