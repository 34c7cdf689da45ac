import { GraphQLError } from "graphql";

// Relay cursor pagination over an already filtered and sorted list. Cursors name the
// item (not its position), so records added while a client pages do not shift pages.

export type PageArgs = {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
  /** Set only by the bulk operation executor (never from a request): every item, no page size. */
  bulk?: boolean;
};

export const MAX_PAGE_SIZE = 250;

export type Connection<T> = {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
};

export function encodeCursor(legacyId: number): string {
  return Buffer.from(JSON.stringify({ last_id: legacyId })).toString("base64");
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown };
    if (typeof value.last_id === "number") return value.last_id;
  } catch {
    // Falls through to the error below: a cursor the emulator did not issue.
  }
  throw new GraphQLError("Invalid cursor for current pagination sort.", {
    extensions: { code: "BAD_REQUEST" },
  });
}

function checkSize(name: string, value: number): void {
  if (value < 0 || value > MAX_PAGE_SIZE) {
    throw new GraphQLError(`The ${name} argument must be between 0 and ${MAX_PAGE_SIZE}.`, {
      extensions: { code: "BAD_REQUEST" },
    });
  }
}

export function paginate<T extends { legacyId: number }>(sorted: T[], args: PageArgs): Connection<T> {
  if (args.bulk) return everything(args.reverse ? [...sorted].reverse() : sorted);
  const { first, last } = args;
  if (first == null && last == null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  if (first != null && last != null) {
    throw new GraphQLError("providing both first and last is not supported", {
      extensions: { code: "BAD_REQUEST" },
    });
  }
  const items = args.reverse ? [...sorted].reverse() : sorted;
  const position = (cursor: string) => {
    const id = decodeCursor(cursor);
    const index = items.findIndex((item) => item.legacyId === id);
    if (index < 0)
      throw new GraphQLError("Invalid cursor for current pagination sort.", {
        extensions: { code: "BAD_REQUEST" },
      });
    return index;
  };
  const start = args.after ? position(args.after) + 1 : 0;
  const end = args.before ? position(args.before) : items.length;
  const window = items.slice(start, Math.max(start, end));
  let page: T[];
  let hasNextPage: boolean;
  let hasPreviousPage: boolean;
  if (first != null) {
    checkSize("first", first);
    page = window.slice(0, first);
    hasNextPage = window.length > first;
    hasPreviousPage = start > 0;
  } else {
    checkSize("last", last ?? 0);
    page = window.slice(Math.max(0, window.length - (last ?? 0)));
    hasPreviousPage = window.length > (last ?? 0);
    hasNextPage = end < items.length;
  }
  const edges = page.map((node) => ({ cursor: encodeCursor(node.legacyId), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

class LazyEdge<T extends { legacyId: number }> {
  constructor(readonly node: T) {}
  get cursor(): string {
    return encodeCursor(this.node.legacyId);
  }
}

// A bulk export walks whole connections (a million orders); cursors are made only if selected.
function everything<T extends { legacyId: number }>(items: T[]): Connection<T> {
  return {
    edges: items.map((node) => new LazyEdge(node)),
    nodes: items,
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  };
}

/** Sorts by the key, then by id, as Shopify breaks ties. */
export function sortRecords<T extends { legacyId: number }>(
  items: Iterable<T>,
  key: (item: T) => string | number,
): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -1;
    if (ka > kb) return 1;
    return a.legacyId - b.legacyId;
  });
}
