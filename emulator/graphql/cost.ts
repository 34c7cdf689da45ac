import {
  getNamedType,
  isCompositeType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

// Query cost in the spirit of Shopify's calculated query cost: scalars and enums 0,
// objects 1, connections 2 plus `first`/`last` times the cost of one node, mutations 10.
// Requested cost uses the page sizes asked for; actual cost walks the returned data and
// uses the page sizes returned, so the bucket is refunded the difference as Shopify does.

const MUTATION_COST = 10;

type Walk = {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
};

export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: FragmentDefinitionNode[],
  variables: Record<string, unknown>,
  data?: unknown,
): number {
  const walk: Walk = { schema, fragments: new Map(fragments.map((f) => [f.name.value, f])), variables };
  if (operation.operation === "mutation") {
    return fieldsOf(walk, operation.selectionSet).length * MUTATION_COST;
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  return selectionCost(walk, operation.selectionSet, root, data, data !== undefined);
}

function fieldsOf(walk: Walk, set: SelectionSetNode): FieldNode[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(walk, selection.selectionSet);
    const fragment = walk.fragments.get(selection.name.value);
    return fragment ? fieldsOf(walk, fragment.selectionSet) : [];
  });
}

function selectionCost(
  walk: Walk,
  set: SelectionSetNode,
  parent: GraphQLCompositeType,
  data: unknown,
  actual: boolean,
): number {
  if (!("getFields" in parent)) return 0;
  const fields = parent.getFields();
  let cost = 0;
  for (const node of fieldsOf(walk, set)) {
    const def = fields[node.name.value];
    const children = node.selectionSet;
    if (!def || !children) continue;
    const type = getNamedType(def.type);
    if (!isCompositeType(type)) continue;
    const value = actual
      ? (data as Record<string, unknown> | null)?.[node.alias?.value ?? node.name.value]
      : undefined;
    if (actual && (value === null || value === undefined)) continue;
    if (type.name.endsWith("Connection") && "getFields" in type) {
      cost += connectionCost(walk, node, type, value, actual);
    } else if (Array.isArray(value)) {
      cost += value.reduce(
        (sum: number, item) => sum + 1 + selectionCost(walk, children, type, item, actual),
        0,
      );
    } else {
      cost += 1 + selectionCost(walk, children, type, value, actual);
    }
  }
  return cost;
}

function connectionCost(
  walk: Walk,
  node: FieldNode,
  type: GraphQLCompositeType,
  value: unknown,
  actual: boolean,
): number {
  const connection = value as { edges?: Array<{ node?: unknown }>; nodes?: unknown[] } | undefined;
  const size = actual
    ? Math.max(connection?.edges?.length ?? 0, connection?.nodes?.length ?? 0)
    : Number(argument(walk, node, "first") ?? argument(walk, node, "last") ?? 0);
  const nodeType = "getFields" in type ? getNamedType(type.getFields().nodes?.type) : undefined;
  if (!nodeType || !isCompositeType(nodeType) || !node.selectionSet) return 2;
  // One node's cost: the most expensive of the node selections (edges.node or nodes), each node counting 1.
  let perNode = 1;
  let total = 0;
  for (const field of fieldsOf(walk, node.selectionSet)) {
    const selections: Array<{ set: SelectionSetNode; items: unknown[] }> = [];
    const key = field.alias?.value ?? field.name.value;
    if (field.name.value === "nodes" && field.selectionSet) {
      selections.push({
        set: field.selectionSet,
        items: (connection as Record<string, unknown[]> | undefined)?.[key] ?? [],
      });
    }
    if (field.name.value === "edges" && field.selectionSet) {
      for (const inner of fieldsOf(walk, field.selectionSet)) {
        if (inner.name.value !== "node" || !inner.selectionSet) continue;
        const edges = (connection as Record<string, Array<Record<string, unknown>>> | undefined)?.[key] ?? [];
        selections.push({
          set: inner.selectionSet,
          items: edges.map((e) => e[inner.alias?.value ?? "node"]),
        });
      }
    }
    for (const { set, items } of selections) {
      if (actual) {
        total = Math.max(
          total,
          items.reduce((sum: number, item) => sum + 1 + selectionCost(walk, set, nodeType, item, true), 0),
        );
      } else {
        perNode = Math.max(perNode, 1 + selectionCost(walk, set, nodeType, undefined, false));
      }
    }
  }
  return actual ? 2 + Math.max(total, size) : 2 + size * perNode;
}

function argument(walk: Walk, node: FieldNode, name: string): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  return arg ? literal(walk, arg.value) : undefined;
}

function literal(walk: Walk, value: ValueNode): unknown {
  if (value.kind === Kind.VARIABLE) return walk.variables[value.name.value];
  if (value.kind === Kind.INT) return Number(value.value);
  return undefined;
}
