import { describe, expect, it } from "vitest";
import { audienceQuery, parseAudience } from "./audience";

const parse = (query: string) => parseAudience(new URLSearchParams(query));

describe("segment builder conditions", () => {
  it("round-trips the page's conditions through the query string", () => {
    const query = audienceQuery({
      segments: ["champions", "at_risk"],
      tiers: ["gold"],
      minPoints: " 100 ",
      maxPoints: "",
      tags: "vip, wholesale ,",
    });
    expect(parse(query)).toEqual({
      success: true,
      data: {
        segments: ["champions", "at_risk"],
        tiers: ["gold"],
        minPoints: 100,
        maxPoints: null,
        tags: ["vip", "wholesale"],
      },
    });
  });

  it("matches everyone with no conditions", () => {
    expect(parse("").data).toEqual({ segments: [], tiers: [], minPoints: null, maxPoints: null, tags: [] });
  });

  it.each([
    ["segment=royalty", "segments"],
    ["minPoints=-5", "minPoints"],
    ["minPoints=1.5", "minPoints"],
    ["minPoints=500&maxPoints=100", "maxPoints"],
  ])("refuses %s with an error on %s", (query, field) => {
    const result = parse(query);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path[0])).toContain(field);
  });
});
