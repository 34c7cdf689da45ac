import {
  execute,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from "graphql";
import { queryCost } from "./cost";
import type { GraphqlContext } from "./module";
import type { AdminSchema } from "./schema";
import type { LeakyBuckets, ThrottleStatus } from "./throttle";

// One Admin GraphQL request after authentication: parse, validate, price, throttle,
// execute, refund. Every priced response carries extensions.cost as Shopify's does.

export type GraphqlRequest = { query: string; variables?: Record<string, unknown>; operationName?: string };
export type GraphqlResponse = { data?: unknown; errors?: unknown[]; extensions?: { cost: CostExtension } };
type CostExtension = {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
};

const formatErrors = (errors: readonly GraphQLError[]) => errors.map((e) => e.toJSON());

function pickOperation(document: DocumentNode, name: string | undefined): OperationDefinitionNode | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (name) return operations.find((op) => op.name?.value === name) ?? null;
  return operations.length === 1 ? (operations[0] ?? null) : null;
}

export async function executeAdminQuery(
  request: GraphqlRequest,
  ctx: GraphqlContext,
  admin: AdminSchema,
  buckets: LeakyBuckets,
): Promise<GraphqlResponse> {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: formatErrors([error]) };
    throw error;
  }
  const invalid = validate(admin.schema, document);
  if (invalid.length) return { errors: formatErrors(invalid) };
  const operation = pickOperation(document, request.operationName);
  if (!operation)
    return {
      errors: [{ message: "An operation name is required when the document has several operations." }],
    };
  const fragments = document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  const variables = request.variables ?? {};
  const requested = queryCost(admin.schema, operation, fragments, variables);
  const { throttle } = ctx.config;
  const bucketKey = `${ctx.token.shop}|${ctx.token.clientId}`;

  if (requested > throttle.singleQueryMaxCost) {
    const { status } = buckets.take(bucketKey, 0);
    return {
      errors: [
        {
          message: `Query cost is ${requested}, which exceeds the single query max cost limit (${throttle.singleQueryMaxCost}).`,
          extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: throttle.singleQueryMaxCost },
        },
      ],
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: status } },
    };
  }
  const taken = buckets.take(bucketKey, requested);
  if (!taken.ok) {
    return {
      errors: [
        {
          message: "Throttled",
          extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
        },
      ],
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: taken.status },
      },
    };
  }
  const result = await execute({
    schema: admin.schema,
    document,
    contextValue: ctx,
    variableValues: variables,
    operationName: request.operationName,
    fieldResolver: admin.fieldResolver,
  });
  const actual = Math.min(
    requested,
    queryCost(admin.schema, operation, fragments, variables, result.data ?? null),
  );
  const status = buckets.refund(bucketKey, requested - actual);
  return {
    ...(result.errors && { errors: formatErrors(result.errors) }),
    ...(result.data !== undefined && { data: result.data }),
    extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status } },
  };
}
