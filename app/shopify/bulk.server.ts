import { adminCall, waitForBucket } from "./admin-call.server";
import { ShopifyUserError, type AdminGraphql } from "./graphql.server";

// Bulk operations (https://shopify.dev/docs/api/usage/bulk-operations/queries): start a
// bulk query, poll it until Shopify has written the JSONL file, then stream the file line
// by line. Nothing here holds the whole export in memory.

export type BulkOperationStatus =
  "CANCELED" | "CANCELING" | "COMPLETED" | "CREATED" | "EXPIRED" | "FAILED" | "RUNNING";

export interface BulkOperation {
  id: string;
  status: BulkOperationStatus;
  errorCode: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** Null until COMPLETED, and when the query matched nothing. */
  url: string | null;
  partialDataUrl: string | null;
}

const FIELDS = "id status errorCode objectCount rootObjectCount fileSize url partialDataUrl";

const RUN_QUERY = `#graphql
  mutation BackfillBulkQuery($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation { ${FIELDS} }
      userErrors { field message code }
    }
  }`;

const NODE_QUERY = `#graphql
  query BulkOperationStatus($id: ID!) {
    node(id: $id) { ... on BulkOperation { ${FIELDS} } }
  }`;

const CURRENT_QUERY = `#graphql
  query CurrentBulkOperation { currentBulkOperation(type: QUERY) { ${FIELDS} } }`;

type RawOperation = Omit<BulkOperation, "objectCount" | "rootObjectCount" | "fileSize"> & {
  objectCount: string | number;
  rootObjectCount?: string | number | null;
  fileSize: string | number | null;
};

function fromRaw(raw: RawOperation): BulkOperation {
  return {
    ...raw,
    objectCount: Number(raw.objectCount ?? 0),
    rootObjectCount: Number(raw.rootObjectCount ?? 0),
    fileSize: raw.fileSize == null ? null : Number(raw.fileSize),
  };
}

export class BulkOperationError extends Error {
  override name = "BulkOperationError";
  constructor(
    message: string,
    readonly operation: BulkOperation | null,
    /** A transient failure (throttle, 5xx) that a retry of the job may get past. */
    readonly retryable = false,
  ) {
    super(message);
  }
}

type Sleep = (ms: number) => Promise<void>;
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call<T>(
  graphql: AdminGraphql,
  operation: string,
  query: string,
  variables?: Record<string, unknown>,
  wait: Sleep = sleep,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await adminCall<T>(graphql, operation, query, variables);
    if (result.ok) return result.data;
    if (result.kind === "failed" || attempt >= 5)
      throw new BulkOperationError(result.message, null, result.kind !== "failed");
    await wait(
      result.kind === "throttled"
        ? Math.max(1000, waitForBucket(result.cost?.throttleStatus, 50))
        : 1000 * attempt,
    );
  }
}

/**
 * Starts a bulk query. When one of this app's bulk queries is already running on the shop
 * (OPERATION_IN_PROGRESS) the error says so; callers resuming after a crash poll the
 * operation they recorded instead of starting another.
 */
export async function startBulkQuery(graphql: AdminGraphql, query: string): Promise<BulkOperation> {
  const data = await call<{
    bulkOperationRunQuery: {
      bulkOperation: RawOperation | null;
      userErrors: Array<{ field?: string[] | null; message: string; code?: string | null }>;
    } | null;
  }>(graphql, "bulkOperationRunQuery", RUN_QUERY, { query });
  const payload = data.bulkOperationRunQuery;
  if (payload?.userErrors.length) throw new ShopifyUserError("bulkOperationRunQuery", payload.userErrors);
  if (!payload?.bulkOperation)
    throw new BulkOperationError("bulkOperationRunQuery returned no operation", null);
  return fromRaw(payload.bulkOperation);
}

export async function bulkOperation(graphql: AdminGraphql, id: string): Promise<BulkOperation | null> {
  const data = await call<{ node: RawOperation | null }>(graphql, "BulkOperationStatus", NODE_QUERY, { id });
  return data.node ? fromRaw(data.node) : null;
}

export async function currentBulkOperation(graphql: AdminGraphql): Promise<BulkOperation | null> {
  const data = await call<{ currentBulkOperation: RawOperation | null }>(
    graphql,
    "CurrentBulkOperation",
    CURRENT_QUERY,
  );
  return data.currentBulkOperation ? fromRaw(data.currentBulkOperation) : null;
}

const ORDER_ID_RANGE_QUERY = `#graphql
  query OrderIdRange {
    first: orders(first: 1, sortKey: ID) { nodes { id } }
    last: orders(first: 1, sortKey: ID, reverse: true) { nodes { id } }
  }`;

/** The lowest and highest order id of the shop (numeric), or null when it has no orders. */
export async function orderIdRange(graphql: AdminGraphql): Promise<{ min: bigint; max: bigint } | null> {
  type Page = { nodes: { id: string }[] };
  const data = await call<{ first: Page; last: Page }>(graphql, "OrderIdRange", ORDER_ID_RANGE_QUERY);
  const first = data.first.nodes[0]?.id;
  const last = data.last.nodes[0]?.id;
  if (!first || !last) return null;
  const numeric = (gid: string) => BigInt(gid.slice(gid.lastIndexOf("/") + 1));
  return { min: numeric(first), max: numeric(last) };
}

export interface PollOptions {
  /** First interval; it doubles up to `maxIntervalMs` while the operation runs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  timeoutMs?: number;
  onProgress?: (operation: BulkOperation) => void | Promise<void>;
  sleep?: Sleep;
  now?: () => number;
}

/** Polls until COMPLETED; FAILED, CANCELED, EXPIRED or a timeout throw BulkOperationError. */
export async function waitForBulkOperation(
  graphql: AdminGraphql,
  id: string,
  options: PollOptions = {},
): Promise<BulkOperation> {
  const { maxIntervalMs = 5000, timeoutMs = 6 * 60 * 60 * 1000, onProgress } = options;
  const wait = options.sleep ?? sleep;
  const now = options.now ?? Date.now;
  const deadline = now() + timeoutMs;
  let interval = options.intervalMs ?? 250;
  for (;;) {
    const operation = await bulkOperation(graphql, id);
    if (!operation) throw new BulkOperationError(`bulk operation ${id} does not exist`, null);
    await onProgress?.(operation);
    if (operation.status === "COMPLETED") return operation;
    if (["FAILED", "CANCELED", "CANCELING", "EXPIRED"].includes(operation.status)) {
      throw new BulkOperationError(
        `bulk operation ${id} ended ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ""}`,
        operation,
        operation.errorCode === "INTERNAL_SERVER_ERROR" || operation.errorCode === "TIMEOUT",
      );
    }
    if (now() >= deadline)
      throw new BulkOperationError(`bulk operation ${id} did not finish in time`, operation, true);
    await wait(interval);
    interval = Math.min(maxIntervalMs, interval * 2);
  }
}

/**
 * Streams a JSONL file as batches of lines (each batch is what arrived in one network
 * chunk, split on newlines). `skipLines` drops that many lines first, to resume a load.
 */
export async function* jsonlBatches(
  url: string,
  options: { skipLines?: number; fetch?: typeof fetch } = {},
): AsyncGenerator<string[]> {
  const response = await (options.fetch ?? fetch)(url);
  if (!response.ok || !response.body)
    throw new BulkOperationError(
      `downloading ${new URL(url).pathname} failed: HTTP ${response.status}`,
      null,
      true,
    );
  let skip = options.skipLines ?? 0;
  let rest = "";
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = rest + decoder.decode(value, { stream: true });
    const end = text.lastIndexOf("\n");
    if (end < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(end + 1);
    let lines = text.slice(0, end).split("\n");
    if (skip > 0) {
      const dropped = Math.min(skip, lines.length);
      lines = lines.slice(dropped);
      skip -= dropped;
    }
    const nonEmpty = lines.filter((l) => l.length > 0);
    if (nonEmpty.length) yield nonEmpty;
  }
  rest += decoder.decode();
  if (rest.length && skip === 0) yield [rest];
}
