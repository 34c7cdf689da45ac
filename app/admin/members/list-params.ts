import { z } from "zod";

// The members list's URL: search, filters, sort and position live in the query string, so a
// view can be bookmarked, shared, reloaded and exported as it is. Anything malformed falls
// back to defaults rather than failing the page. The position is a cursor (`after` or
// `before` a row, list-cursor.server.ts), opaque here: the list decodes it, and one it
// cannot read starts the list from its first page and says so. Money bounds are in major
// units as the merchant types them ("49.99"); the service converts them to minor units of
// the shop's currency.

export const MEMBER_SORTS = [
  "points",
  "lifetime",
  "lastActivity",
  "joined",
  "spent",
  "orders",
  "averageOrder",
  "lastOrder",
  "tierValue",
] as const;
export const MEMBER_STATUSES = ["active", "excluded", "notEnrolled", "deleted"] as const;
// "30" … "365": ordered within that many days; "over90" …: not since; "never": no order.
export const LAST_ORDER_CHOICES = [
  "30",
  "90",
  "180",
  "365",
  "over90",
  "over180",
  "over365",
  "never",
] as const;
export const PAGE_SIZE = 25;

export type MemberSort = (typeof MEMBER_SORTS)[number];
export type MemberStatusFilter = (typeof MEMBER_STATUSES)[number];
export type LastOrderChoice = (typeof LAST_ORDER_CHOICES)[number];

// PostgreSQL text cannot hold NUL: a search for it would fail the query, and matches nothing.
const searchText = (max: number) =>
  z
    .string()
    .transform((v) => v.replaceAll("\0", "").trim())
    .pipe(z.string().max(max))
    .catch("");

/** An optional non-negative bound; blank or malformed is no bound. */
const bound = (integer: boolean) =>
  z
    .preprocess(
      (v) => {
        const text = typeof v === "string" ? v.replace(/[\s,]/g, "") : "";
        return text === "" ? null : Number(text);
      },
      z
        .number()
        .min(0)
        .max(1e12)
        .refine((n) => !integer || Number.isInteger(n))
        .nullable(),
    )
    .catch(null);

export const RANGE_FILTERS = {
  spent: { min: "spentMin", max: "spentMax", integer: false },
  orders: { min: "ordersMin", max: "ordersMax", integer: true },
  averageOrder: { min: "averageOrderMin", max: "averageOrderMax", integer: false },
  points: { min: "pointsMin", max: "pointsMax", integer: true },
} as const;
export type RangeFilter = keyof typeof RANGE_FILTERS;

/** A page number from 1 to 100,000; anything else is 1. */
const pageNumber = z.coerce.number().int().min(1).max(100_000).catch(1);

/** A cursor as the URL carries it; cut at a length no cursor reaches, so a mangled one still fails to decode. */
const cursorText = z
  .string()
  .transform((v) => v.slice(0, 200))
  .nullable()
  .catch(null);

const listParamsSchema = z.object({
  query: searchText(100),
  tier: searchText(64),
  status: z.enum(MEMBER_STATUSES).nullable().catch(null),
  spentMin: bound(false),
  spentMax: bound(false),
  ordersMin: bound(true),
  ordersMax: bound(true),
  averageOrderMin: bound(false),
  averageOrderMax: bound(false),
  pointsMin: bound(true),
  pointsMax: bound(true),
  lastOrder: z.enum(LAST_ORDER_CHOICES).nullable().catch(null),
  // At most this far (in the tier basis's unit; money in major units) from the next tier.
  nextTierWithin: bound(false),
  sort: z.enum(MEMBER_SORTS).catch("points"),
  direction: z.enum(["asc", "desc"]).catch("desc"),
  after: cursorText,
  before: cursorText,
});

export type MemberListParams = z.output<typeof listParamsSchema>;
/** The filters alone: what an export or a bulk action "on all matching" applies. */
export type MemberFilter = Omit<MemberListParams, "sort" | "direction" | "after" | "before">;

const FILTER_KEYS = [
  "query",
  "tier",
  "status",
  "spentMin",
  "spentMax",
  "ordersMin",
  "ordersMax",
  "averageOrderMin",
  "averageOrderMax",
  "pointsMin",
  "pointsMax",
  "lastOrder",
  "nextTierWithin",
] as const satisfies ReadonlyArray<keyof MemberFilter>;

export function parseListParams(search: URLSearchParams): MemberListParams {
  const raw: Record<string, unknown> = {};
  for (const key of [...FILTER_KEYS, "sort", "direction"]) raw[key] = search.get(key) ?? undefined;
  return listParamsSchema.parse({
    ...raw,
    query: search.get("query") ?? "",
    tier: search.get("tier") ?? "",
    status: search.get("status") || null,
    lastOrder: search.get("lastOrder") || null,
    after: search.get("after") || null,
    before: search.get("before") || null,
  });
}

/** The member page's `ledgerPage`: a page number from 1 to 100,000, anything else is 1. */
export function parseLedgerPage(search: URLSearchParams): number {
  return pageNumber.parse(search.get("ledgerPage") ?? undefined);
}

/** The query string for params, leaving defaults out so URLs stay short. */
export function listParamsToSearch(params: Partial<MemberListParams>): string {
  const search = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params[key];
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  if (params.sort && params.sort !== "points") search.set("sort", params.sort);
  if (params.direction && params.direction !== "desc") search.set("direction", params.direction);
  // One position at most: a page is either after a row or before one.
  if (params.after) search.set("after", params.after);
  else if (params.before) search.set("before", params.before);
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** The same filters with nothing set: "clear all". */
export const NO_FILTERS: MemberFilter = Object.fromEntries(
  FILTER_KEYS.map((k) => [k, k === "query" || k === "tier" ? "" : null]),
) as MemberFilter;

/** "No tier" is its own filter value: members below the first tier. */
export const NO_TIER = "none";
