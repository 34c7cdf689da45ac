import { describe, expect, it } from "vitest";
import {
  audienceFields,
  audienceQuery,
  EVERYONE,
  parseAudience,
  readConditions,
  storedConditions,
  type AudienceFields,
} from "./audience";

const parse = (query: string, currency = "USD") => parseAudience(new URLSearchParams(query), currency);

const EMPTY_FIELDS: AudienceFields = {
  segments: [],
  tiers: [],
  minPoints: "",
  maxPoints: "",
  tags: "",
  minClv: "",
  maxClv: "",
  minAlivePercent: "",
  maxAlivePercent: "",
  minRiskPercent: "",
  atRiskOnly: false,
  personas: [],
};

describe("segment builder conditions", () => {
  it("round-trips the page's conditions through the query string", () => {
    const query = audienceQuery({
      ...EMPTY_FIELDS,
      segments: ["champions", "at_risk"],
      tiers: ["gold"],
      minPoints: " 100 ",
      tags: "vip, wholesale ,",
      minClv: "120.50",
      maxClv: "900",
      minAlivePercent: "25",
      maxAlivePercent: "80.5",
      minRiskPercent: "60",
      atRiskOnly: true,
      personas: ["Frequent high spenders"],
    });
    expect(parse(query)).toEqual({
      success: true,
      data: {
        segments: ["champions", "at_risk"],
        tiers: ["gold"],
        minPoints: 100,
        maxPoints: null,
        tags: ["vip", "wholesale"],
        minClvMinor: 12050,
        maxClvMinor: 90000,
        minPAlive: 0.25,
        maxPAlive: 0.805,
        minChurnRisk: 0.6,
        atRiskOnly: true,
        personas: ["Frequent high spenders"],
      },
    });
  });

  it("reads money in the shop currency's minor units", () => {
    expect(parse("minClv=1500", "JPY").data?.minClvMinor).toBe(1500);
    expect(parse("minClv=1.5", "KWD").data?.minClvMinor).toBe(1500);
    expect(parse("minClv=1.5", "JPY").success).toBe(false);
  });

  it("matches everyone with no conditions", () => {
    expect(parse("").data).toEqual(EVERYONE);
  });

  it("gives a stored condition set back to the builder as it was entered", () => {
    const fields = {
      ...EMPTY_FIELDS,
      minClv: "120.5",
      minAlivePercent: "25",
      tags: "vip, eu",
      atRiskOnly: true,
    };
    const parsed = parse(audienceQuery(fields)).data!;
    expect(audienceFields(parsed, "USD")).toEqual(fields);
  });

  it("stores conditions with their version and refuses another version or a damaged set", () => {
    const stored = storedConditions({ ...EVERYONE, tiers: ["gold"] });
    expect(stored.version).toBe(1);
    expect(readConditions(JSON.parse(JSON.stringify(stored)))).toEqual({ ...EVERYONE, tiers: ["gold"] });
    expect(readConditions({ ...stored, version: 2 })).toBeNull();
    expect(readConditions({ ...stored, minPAlive: 3 })).toBeNull();
    expect(readConditions(null)).toBeNull();
  });

  it.each([
    ["segment=royalty", "segments"],
    ["minPoints=-5", "minPoints"],
    ["minPoints=1.5", "minPoints"],
    ["minPoints=500&maxPoints=100", "maxPoints"],
    ["minClv=-1", "minClvMinor"],
    ["minClv=1.234", "minClvMinor"],
    ["minClv=abc", "minClvMinor"],
    ["minClv=500&maxClv=100", "maxClvMinor"],
    ["minAlive=101", "minPAlive"],
    ["minAlive=60&maxAlive=40", "maxPAlive"],
    ["minRisk=-3", "minChurnRisk"],
    ["minRisk=50.55", "minChurnRisk"],
  ])("refuses %s with an error on %s", (query, field) => {
    const result = parse(query);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path[0])).toContain(field);
  });
});
