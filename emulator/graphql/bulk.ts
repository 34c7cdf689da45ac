import { randomBytes } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  statSync,
  type WriteStream,
} from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GraphQLResolveInfo } from "graphql";
import { sendJson } from "../http";
import { gid, legacyIdOf, shopifyDateTime } from "../resources/records";
import type { EmulatorStore } from "../store";
import {
  BulkQueryError,
  compileBulkQuery,
  runBulkExport,
  schemaResolvers,
  type BulkPlan,
} from "./bulk-export";
import type { GraphqlContext, GraphqlModule } from "./module";

// Bulk operations: bulkOperationRunQuery starts an export (CREATED → RUNNING →
// COMPLETED or FAILED) that runs in the background, a chunk of records per event-loop
// turn; currentBulkOperation and node(id:) poll it. The JSONL result is written to a
// temporary file and served, like Shopify's signed storage URL, without authentication
// at BULK_RESULTS_PATH/<unguessable token>.jsonl.

export const BULK_RESULTS_PATH = "/bulk-operation-results/";

export type BulkOperationStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED";

export type BulkOperationRecord = {
  legacyId: number;
  id: string;
  shop: string;
  clientId: string;
  status: BulkOperationStatus;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  query: string;
  type: "QUERY";
  /** Where the result lives; the token in the URL maps to it. */
  file: string | null;
  token: string;
};

/** Bulk operations of one emulator (per store), their files and the origin their URLs use. */
export class BulkOperations {
  /** The emulator's origin; server.ts sets it once it listens. */
  baseUrl = "";
  private readonly operations = new Map<number, BulkOperationRecord>();
  private readonly byToken = new Map<string, BulkOperationRecord>();
  private dir: string | null = null;
  private nextId = 1;

  get(legacyId: number): BulkOperationRecord | undefined {
    return this.operations.get(legacyId);
  }

  /** The latest operation of this app on this shop (Shopify's currentBulkOperation). */
  current(shop: string, clientId: string): BulkOperationRecord | undefined {
    let latest: BulkOperationRecord | undefined;
    for (const op of this.operations.values()) if (op.shop === shop && op.clientId === clientId) latest = op;
    return latest;
  }

  create(shop: string, clientId: string, query: string, createdAt: string): BulkOperationRecord {
    const legacyId = this.nextId++;
    const op: BulkOperationRecord = {
      legacyId,
      id: gid("BulkOperation", legacyId),
      shop,
      clientId,
      status: "CREATED",
      errorCode: null,
      createdAt,
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      query,
      type: "QUERY",
      file: null,
      token: randomBytes(16).toString("hex"),
    };
    this.operations.set(legacyId, op);
    this.byToken.set(op.token, op);
    return op;
  }

  url(op: BulkOperationRecord): string | null {
    return op.status === "COMPLETED" && op.file && op.objectCount > 0
      ? `${this.baseUrl}${BULK_RESULTS_PATH}${op.token}.jsonl`
      : null;
  }

  fileFor(token: string): string | null {
    return this.byToken.get(token)?.file ?? null;
  }

  newFile(op: BulkOperationRecord): string {
    this.dir ??= mkdtempSync(join(tmpdir(), "shopify-emulator-bulk-"));
    op.file = join(this.dir, `${op.legacyId}.jsonl`);
    return op.file;
  }

  /** Deletes every result file (the emulator closing). */
  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

const REGISTRIES = new WeakMap<EmulatorStore, BulkOperations>();

export function bulkOperations(store: EmulatorStore): BulkOperations {
  let registry = REGISTRIES.get(store);
  if (!registry) {
    registry = new BulkOperations();
    REGISTRIES.set(store, registry);
  }
  return registry;
}

/** GET BULK_RESULTS_PATH<token>.jsonl: streams the file (a million orders never sit in memory). */
export function handleBulkResult(
  req: IncomingMessage,
  res: ServerResponse,
  store: EmulatorStore,
  path: string,
) {
  const token = /^([0-9a-f]{32})\.jsonl$/.exec(path.slice(BULK_RESULTS_PATH.length))?.[1];
  const file = token ? bulkOperations(store).fileFor(token) : null;
  if (req.method !== "GET" || !file) return sendJson(res, 404, { errors: "Not Found" });
  res.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": statSync(file).size });
  // Megabyte reads: a result file runs to gigabytes, and 64 KiB reads (the default) spend
  // more on allocating and handing over buffers than on the bytes.
  createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res);
}

function writeLines(stream: WriteStream) {
  let buffer: string[] = [];
  let size = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    const text = buffer.join("\n") + "\n";
    buffer = [];
    size = 0;
    if (!stream.write(text)) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
  };
  return {
    write(line: string) {
      buffer.push(line);
      size += line.length;
    },
    drain: () => (size > 1 << 20 ? flush() : undefined),
    async end() {
      await flush();
      await new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    },
  };
}

async function execute(op: BulkOperationRecord, plan: BulkPlan, ctx: GraphqlContext): Promise<void> {
  const registry = bulkOperations(ctx.store);
  await new Promise((resolve) => setImmediate(resolve));
  op.status = "RUNNING";
  const sink = writeLines(createWriteStream(registry.newFile(op)));
  try {
    await runBulkExport(plan, ctx, sink, op);
    await sink.end();
    op.fileSize = statSync(op.file!).size;
    op.status = "COMPLETED";
  } catch (error) {
    await sink.end().catch(() => undefined);
    op.status = "FAILED";
    op.errorCode = "INTERNAL_SERVER_ERROR";
    console.warn("emulator bulk operation failed", error);
  }
  op.completedAt = shopifyDateTime(ctx.config.now());
}

const view = (op: BulkOperationRecord | undefined, ctx: GraphqlContext) =>
  op && { ...op, __typename: "BulkOperation", url: bulkOperations(ctx.store).url(op) };

export const bulkModule: GraphqlModule = {
  typeDefs: /* GraphQL */ `
    enum BulkOperationStatus {
      CANCELED
      CANCELING
      COMPLETED
      CREATED
      EXPIRED
      FAILED
      RUNNING
    }
    enum BulkOperationErrorCode {
      ACCESS_DENIED
      INTERNAL_SERVER_ERROR
      TIMEOUT
    }
    enum BulkOperationType {
      MUTATION
      QUERY
    }
    enum BulkOperationUserErrorCode {
      INVALID
      LIMIT_REACHED
      OPERATION_IN_PROGRESS
    }

    interface Node {
      id: ID!
    }

    type BulkOperation implements Node {
      id: ID!
      status: BulkOperationStatus!
      errorCode: BulkOperationErrorCode
      createdAt: DateTime!
      completedAt: DateTime
      objectCount: UnsignedInt64!
      rootObjectCount: UnsignedInt64!
      fileSize: UnsignedInt64
      url: URL
      partialDataUrl: URL
      query: String!
      type: BulkOperationType!
    }

    type BulkOperationUserError {
      field: [String!]
      message: String!
      code: BulkOperationUserErrorCode
    }
    type BulkOperationRunQueryPayload {
      bulkOperation: BulkOperation
      userErrors: [BulkOperationUserError!]!
    }

    extend type Query {
      currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
      node(id: ID!): Node
    }

    extend type Mutation {
      bulkOperationRunQuery(query: String!, groupObjects: Boolean = true): BulkOperationRunQueryPayload
    }
  `,
  resolvers: {
    Query: {
      currentBulkOperation: (_: unknown, args: { type: string }, ctx: GraphqlContext) =>
        args.type === "QUERY"
          ? view(bulkOperations(ctx.store).current(ctx.shop.shop.domain, ctx.token.clientId), ctx)
          : null,
      node: (_: unknown, args: { id: string }, ctx: GraphqlContext) => {
        const op = bulkOperations(ctx.store).get(legacyIdOf("BulkOperation", args.id) ?? -1);
        // Another shop's or app's operation does not exist for this token.
        return op && op.shop === ctx.shop.shop.domain && op.clientId === ctx.token.clientId
          ? view(op, ctx)
          : null;
      },
    },
    BulkOperation: {
      objectCount: (op: BulkOperationRecord) => String(op.objectCount),
      rootObjectCount: (op: BulkOperationRecord) => String(op.rootObjectCount),
      fileSize: (op: BulkOperationRecord) => (op.fileSize === null ? null : String(op.fileSize)),
      partialDataUrl: () => null,
    },
    Mutation: {
      bulkOperationRunQuery: (
        _: unknown,
        args: { query: string },
        ctx: GraphqlContext,
        info: GraphQLResolveInfo,
      ) => {
        const registry = bulkOperations(ctx.store);
        const running = registry.current(ctx.shop.shop.domain, ctx.token.clientId);
        if (running && (running.status === "CREATED" || running.status === "RUNNING")) {
          return {
            bulkOperation: null,
            userErrors: [
              {
                field: null,
                message: `A bulk query operation for this app and shop is already in progress: ${running.id}.`,
                code: "OPERATION_IN_PROGRESS",
              },
            ],
          };
        }
        let plan: BulkPlan;
        try {
          plan = compileBulkQuery(info.schema, schemaResolvers(info.schema), args.query);
        } catch (error) {
          if (!(error instanceof BulkQueryError)) throw error;
          return {
            bulkOperation: null,
            userErrors: [{ field: ["query"], message: error.message, code: "INVALID" }],
          };
        }
        const op = registry.create(
          ctx.shop.shop.domain,
          ctx.token.clientId,
          args.query,
          shopifyDateTime(ctx.config.now()),
        );
        void execute(op, plan, ctx);
        return { bulkOperation: view(op, ctx), userErrors: [] };
      },
    },
  },
};
