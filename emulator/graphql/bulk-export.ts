import {
  getArgumentValues,
  getNamedType,
  GraphQLError,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { GraphqlContext, Resolver } from "./module";

// Runs a bulk operation query the way Shopify does: every node of every connection, with
// no page size, written as JSON Lines. A node of a nested connection becomes its own line
// after its parent's, carrying `__parentId`; plain objects and lists stay inline. The query
// is compiled once into a plan, then each record is projected through the same resolvers
// the interactive API uses, so both surfaces agree on every field.

const SCHEMA_RESOLVERS = new WeakMap<GraphQLSchema, ReadonlyMap<string, Record<string, unknown>>>();

/** buildAdminSchema records its resolver map here, so a bulk query runs the same resolvers. */
export function registerSchemaResolvers(
  schema: GraphQLSchema,
  resolvers: ReadonlyMap<string, Record<string, unknown>>,
): void {
  SCHEMA_RESOLVERS.set(schema, resolvers);
}

export function schemaResolvers(schema: GraphQLSchema): ReadonlyMap<string, Record<string, unknown>> {
  return SCHEMA_RESOLVERS.get(schema) ?? new Map();
}

/** Shopify's limits: at most five connections, nested at most two levels below the root. */
export const MAX_CONNECTIONS = 5;
export const MAX_NESTED_LEVELS = 2;

type FieldPlan = {
  key: string;
  name: string;
  args: Record<string, unknown>;
  resolve: Resolver | null;
  /** leaf: copy; object: project inline; connection: own lines with __parentId. */
  kind: "leaf" | "object" | "connection";
  sub: ObjectPlan | null;
  /** For connections: whether the query read `edges { node }` (else `nodes`). */
  viaEdges: boolean;
};

export type ObjectPlan = { typeName: string; fields: FieldPlan[]; connections: FieldPlan[] };

export type BulkPlan = { roots: FieldPlan[] };

export class BulkQueryError extends Error {
  override name = "BulkQueryError";
}

type Compile = {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  resolvers: ReadonlyMap<string, Record<string, unknown>>;
  connections: number;
};

/** Parses, validates and compiles a bulk query; throws BulkQueryError with Shopify-like messages. */
export function compileBulkQuery(
  schema: GraphQLSchema,
  resolvers: ReadonlyMap<string, Record<string, unknown>>,
  query: string,
): BulkPlan {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    throw new BulkQueryError(error instanceof GraphQLError ? error.message : "Invalid bulk query");
  }
  const invalid = validate(schema, document);
  if (invalid.length) throw new BulkQueryError(invalid.map((e) => e.message).join(" "));
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operations[0];
  if (operations.length !== 1 || !operation)
    throw new BulkQueryError("Bulk queries must contain one operation.");
  if (operation.operation !== "query") throw new BulkQueryError("Bulk queries must be a query operation.");
  if (operation.variableDefinitions?.length) throw new BulkQueryError("Bulk queries cannot use variables.");
  const c: Compile = {
    schema,
    fragments: new Map(
      document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((f) => [f.name.value, f]),
    ),
    resolvers,
    connections: 0,
  };
  const queryType = schema.getQueryType();
  if (!queryType) throw new BulkQueryError("The schema has no query type.");
  const root = compileObject(c, queryType, operation.selectionSet, 0);
  if (root.fields.length > 0 || root.connections.length === 0)
    throw new BulkQueryError("Bulk queries must contain at least one connection.");
  if (c.connections > MAX_CONNECTIONS)
    throw new BulkQueryError(`Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`);
  return { roots: root.connections };
}

function collectFields(
  c: Compile,
  type: GraphQLObjectType,
  set: SelectionSetNode,
  out: FieldNode[],
): FieldNode[] {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      if (!condition || condition === type.name) collectFields(c, type, selection.selectionSet, out);
    } else {
      const fragment = c.fragments.get(selection.name.value);
      if (fragment && fragment.typeCondition.name.value === type.name)
        collectFields(c, type, fragment.selectionSet, out);
    }
  }
  return out;
}

const unwrap = (type: GraphQLType): { named: ReturnType<typeof getNamedType>; list: boolean } => {
  let t = type;
  let list = false;
  while (isNonNullType(t) || isListType(t)) {
    if (isListType(t)) list = true;
    t = isNonNullType(t) ? t.ofType : t.ofType;
  }
  return { named: getNamedType(t), list };
};

function compileObject(
  c: Compile,
  type: GraphQLObjectType,
  set: SelectionSetNode,
  level: number,
): ObjectPlan {
  const plan: ObjectPlan = { typeName: type.name, fields: [], connections: [] };
  const resolvers = c.resolvers.get(type.name) ?? {};
  for (const node of collectFields(c, type, set, [])) {
    const name = node.name.value;
    if (name === "__typename") {
      plan.fields.push(leaf(node.alias?.value ?? name, name, () => type.name));
      continue;
    }
    const def = type.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
    if (!def) throw new BulkQueryError(`Field ${name} does not exist on ${type.name}.`);
    const args = getArgumentValues(def, node) as Record<string, unknown>;
    const resolve = typeof resolvers[name] === "function" ? (resolvers[name] as Resolver) : null;
    const { named, list } = unwrap(def.type);
    const key = node.alias?.value ?? name;
    if (isLeafType(named)) {
      plan.fields.push({ key, name, args, resolve, kind: "leaf", sub: null, viaEdges: false });
      continue;
    }
    if (!isObjectType(named) || !node.selectionSet)
      throw new BulkQueryError(`Field ${name} of ${type.name} cannot be exported in bulk.`);
    if (named.name.endsWith("Connection")) {
      if (level > MAX_NESTED_LEVELS)
        throw new BulkQueryError(
          `Bulk queries cannot nest connections more than ${MAX_NESTED_LEVELS} levels.`,
        );
      c.connections += 1;
      const { nodeType, selection, viaEdges } = connectionNode(c, named, node.selectionSet);
      plan.connections.push({
        key,
        name,
        args: { ...args, bulk: true },
        resolve,
        kind: "connection",
        sub: compileObject(c, nodeType, selection, level + 1),
        viaEdges,
      });
      continue;
    }
    if (list && level === 0)
      throw new BulkQueryError(`Bulk queries must start from a connection, not ${name}.`);
    plan.fields.push({
      key,
      name,
      args,
      resolve,
      kind: "object",
      sub: compileObject(c, named, node.selectionSet, level),
      viaEdges: false,
    });
  }
  return plan;
}

function leaf(key: string, name: string, resolve: () => unknown): FieldPlan {
  return { key, name, args: {}, resolve: resolve as Resolver, kind: "leaf", sub: null, viaEdges: false };
}

function connectionNode(
  c: Compile,
  connection: GraphQLObjectType,
  set: SelectionSetNode,
): { nodeType: GraphQLObjectType; selection: SelectionSetNode; viaEdges: boolean } {
  const fields = collectFields(c, connection, set, []);
  const nodes = fields.find((f) => f.name.value === "nodes");
  const edges = fields.find((f) => f.name.value === "edges");
  const nodeField = edges?.selectionSet
    ? collectFields(
        c,
        unwrap(connection.getFields().edges!.type).named as GraphQLObjectType,
        edges.selectionSet,
        [],
      ).find((f) => f.name.value === "node")
    : undefined;
  const selection = nodeField?.selectionSet ?? nodes?.selectionSet;
  const nodeType = unwrap(connection.getFields().nodes!.type).named;
  if (!selection || !isObjectType(nodeType))
    throw new BulkQueryError(`Select edges { node { … } } or nodes { … } on ${connection.name}.`);
  return { nodeType, selection, viaEdges: Boolean(nodeField) };
}

/** Where the lines go: `write` buffers; `drain` is awaited between root objects (backpressure). */
export type LineSink = { write(line: string): void; drain(): Promise<void> | undefined };

export type ExportProgress = { objectCount: number; rootObjectCount: number };

/**
 * Projects every root connection into the sink. Yields to the event loop after each
 * `sliceMs` of work, so the emulator keeps answering (polls, other requests, the
 * download of an earlier export's file) while an export runs.
 */
export async function runBulkExport(
  plan: BulkPlan,
  ctx: GraphqlContext,
  sink: LineSink,
  progress: ExportProgress,
  sliceMs = 2,
): Promise<void> {
  let since = performance.now();
  for (const root of plan.roots) {
    const nodes = resolveConnection(root, {}, ctx);
    for (let i = 0; i < nodes.length; i += 1) {
      progress.rootObjectCount += 1;
      emit(root.sub!, nodes[i], null, ctx, sink, progress);
      const pending = sink.drain();
      if (pending) await pending;
      if ((i & 31) === 31 && performance.now() - since >= sliceMs) {
        await new Promise((resolve) => setImmediate(resolve));
        since = performance.now();
      }
    }
  }
}

const INFO = {} as never;

function resolveField(field: FieldPlan, source: unknown, ctx: GraphqlContext): unknown {
  if (field.resolve) return field.resolve(source as never, field.args as never, ctx, INFO);
  return (source as Record<string, unknown> | null)?.[field.name];
}

function resolveConnection(field: FieldPlan, source: unknown, ctx: GraphqlContext): unknown[] {
  const connection = resolveField(field, source, ctx) as { nodes?: unknown[] } | null;
  return connection?.nodes ?? [];
}

function project(plan: ObjectPlan, source: unknown, ctx: GraphqlContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of plan.fields) {
    const value = resolveField(field, source, ctx);
    if (field.kind === "leaf" || value == null) out[field.key] = value ?? null;
    else if (Array.isArray(value)) out[field.key] = value.map((v: unknown) => project(field.sub!, v, ctx));
    else out[field.key] = project(field.sub!, value, ctx);
  }
  return out;
}

function emit(
  plan: ObjectPlan,
  source: unknown,
  parentId: unknown,
  ctx: GraphqlContext,
  sink: LineSink,
  progress: ExportProgress,
): void {
  const line = project(plan, source, ctx);
  if (parentId != null) line.__parentId = parentId;
  progress.objectCount += 1;
  sink.write(JSON.stringify(line));
  if (plan.connections.length === 0) return;
  // Children name their parent by its id, whether or not the query selected it.
  const idField = plan.fields.find((f) => f.name === "id");
  const id = idField ? line[idField.key] : (source as { id?: unknown }).id;
  for (const connection of plan.connections)
    for (const child of resolveConnection(connection, source, ctx))
      emit(connection.sub!, child, id, ctx, sink, progress);
}
