import { z } from "zod";

// The members list's URL: search, filters, sort and page live in the query string, so a
// view can be bookmarked, shared and reloaded. Anything malformed falls back to defaults
// rather than failing the page.

export const MEMBER_SORTS = ["points", "lifetime", "lastActivity", "joined"] as const;
export const MEMBER_STATUSES = ["active", "excluded", "notEnrolled", "deleted"] as const;
export const PAGE_SIZE = 25;

export type MemberSort = (typeof MEMBER_SORTS)[number];
export type MemberStatusFilter = (typeof MEMBER_STATUSES)[number];

// PostgreSQL text cannot hold NUL: a search for it would fail the query, and matches nothing.
const searchText = (max: number) =>
  z
    .string()
    .transform((v) => v.replaceAll("\0", "").trim())
    .pipe(z.string().max(max))
    .catch("");

const listParamsSchema = z.object({
  query: searchText(100),
  tier: searchText(64),
  status: z.enum(MEMBER_STATUSES).nullable().catch(null),
  sort: z.enum(MEMBER_SORTS).catch("points"),
  direction: z.enum(["asc", "desc"]).catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export type MemberListParams = z.output<typeof listParamsSchema>;

export function parseListParams(search: URLSearchParams): MemberListParams {
  return listParamsSchema.parse({
    query: search.get("query") ?? "",
    tier: search.get("tier") ?? "",
    status: search.get("status") || null,
    sort: search.get("sort") ?? undefined,
    direction: search.get("direction") ?? undefined,
    page: search.get("page") ?? undefined,
  });
}

/** The member page's `ledgerPage`: a page number from 1 to 100,000, anything else is 1. */
export function parseLedgerPage(search: URLSearchParams): number {
  return listParamsSchema.shape.page.parse(search.get("ledgerPage") ?? undefined);
}

/** The query string for params, leaving defaults out so URLs stay short. */
export function listParamsToSearch(params: Partial<MemberListParams>): string {
  const search = new URLSearchParams();
  if (params.query) search.set("query", params.query);
  if (params.tier) search.set("tier", params.tier);
  if (params.status) search.set("status", params.status);
  if (params.sort && params.sort !== "points") search.set("sort", params.sort);
  if (params.direction && params.direction !== "desc") search.set("direction", params.direction);
  if (params.page && params.page > 1) search.set("page", String(params.page));
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** "No tier" is its own filter value: members below the first tier. */
export const NO_TIER = "none";
