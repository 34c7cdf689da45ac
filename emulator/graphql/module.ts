import type { GraphQLResolveInfo } from "graphql";
import type { EmulatorConfig } from "../config";
import type { IssuedToken } from "../oauth/tokens";
import type { EmulatorStore, ShopState } from "../store";

// One Admin API resource or operation = one module: its SDL (extending Query or
// Mutation) and resolvers keyed by type and field. schema.ts lists the modules; adding
// an operation (discountCodeBasicCreate, metafieldsSet, bulkOperationRunQuery) means
// writing one more module and adding it to that list.

export type GraphqlContext = {
  config: EmulatorConfig;
  store: EmulatorStore;
  /** The shop the access token belongs to. */
  shop: ShopState;
  token: IssuedToken;
};

// Parent and args are `never` so resolvers can declare their precise types and still fit.
export type Resolver = (parent: never, args: never, ctx: GraphqlContext, info: GraphQLResolveInfo) => unknown;

export type GraphqlModule = {
  typeDefs: string;
  resolvers: Record<string, Record<string, Resolver>>;
};
