import { describe, expect, it } from "vitest";
import { listParamsToSearch, parseListParams } from "./list-params";

// The list's position in its URL: one cursor at most, kept opaque, and dropped with the
// defaults when a link leaves it out.

const parse = (query: string) => parseListParams(new URLSearchParams(query));

describe("the members list's position in the URL", () => {
  it("round-trips a cursor with the sort and filters", () => {
    const params = parse("sort=spent&direction=asc&tier=gold&after=WyJzcGVudCIsIjAiLCIxIl0");
    expect(params).toMatchObject({
      sort: "spent",
      tier: "gold",
      after: "WyJzcGVudCIsIjAiLCIxIl0",
      before: null,
    });
    expect(parse(listParamsToSearch(params).slice(1))).toEqual(params);
  });

  it("writes one position at most, and none for the first page", () => {
    expect(listParamsToSearch({ after: "a", before: "b" })).toBe("?after=a");
    expect(listParamsToSearch({ before: "b" })).toBe("?before=b");
    expect(listParamsToSearch({ sort: "points", after: null, before: null })).toBe("");
  });

  it("cuts a cursor longer than any cursor, so it fails to decode rather than passing whole", () => {
    expect(parse(`after=${"A".repeat(5000)}`).after).toHaveLength(200);
  });

  it("ignores the old page numbers", () => {
    expect(parse("page=400")).toMatchObject({ after: null, before: null });
    expect(listParamsToSearch(parse("page=400"))).toBe("");
  });
});
