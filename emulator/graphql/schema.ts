import { buildSchema, defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { bulkModule } from "./bulk";
import { registerSchemaResolvers } from "./bulk-export";
import { commonModule } from "./common";
import { customerConsentModule } from "./customer-consent";
import { customersModule } from "./customers";
import { discountAutomaticModule } from "./discount-automatic";
import { discountsModule } from "./discounts";
import { metafieldsModule } from "./metafields";
import type { GraphqlContext, GraphqlModule } from "./module";
import { ordersModule } from "./orders";
import { productsModule } from "./products";
import { shopModule } from "./shop";

// The Admin API subset the emulator answers. To add an operation, write a module (SDL
// with `extend type Query` / `extend type Mutation` plus resolvers) and list it here.
export const MODULES: GraphqlModule[] = [
  commonModule,
  shopModule,
  customersModule,
  customerConsentModule,
  ordersModule,
  productsModule,
  bulkModule,
  discountsModule,
  metafieldsModule,
  discountAutomaticModule,
];

export type AdminSchema = {
  schema: GraphQLSchema;
  fieldResolver: GraphQLFieldResolver<unknown, GraphqlContext>;
};

export function buildAdminSchema(modules: GraphqlModule[] = MODULES): AdminSchema {
  const typeDefs = modules.map((m) => m.typeDefs);
  // Mutation modules extend a root Mutation type that exists only when one of them does.
  if (typeDefs.some((sdl) => /extend\s+type\s+Mutation\b/.test(sdl))) typeDefs.push("type Mutation");
  const schema = buildSchema(typeDefs.join("\n"));
  const resolvers = new Map<string, Record<string, unknown>>();
  for (const module of modules) {
    for (const [type, fields] of Object.entries(module.resolvers)) {
      resolvers.set(type, { ...resolvers.get(type), ...fields });
    }
  }
  registerSchemaResolvers(schema, resolvers);
  const fieldResolver: GraphQLFieldResolver<unknown, GraphqlContext> = (source, args, ctx, info) => {
    const resolver = resolvers.get(info.parentType.name)?.[info.fieldName];
    if (typeof resolver === "function")
      return (resolver as GraphQLFieldResolver<unknown, GraphqlContext>)(source, args, ctx, info);
    return defaultFieldResolver(source, args, ctx, info);
  };
  return { schema, fieldResolver };
}
