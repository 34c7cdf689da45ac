import { describe, expect, it } from "vitest";
import { containsAny, eraseValues } from "./erase-values";

describe("eraseValues", () => {
  it("removes each value from every string at any depth, case-insensitively, keeping the shape", () => {
    const doc = {
      id: 5001,
      name: "#5001",
      note: "Call JANE ROE at +1 555 0100 before noon",
      lines: [{ title: "Mug", properties: [{ name: "Engraving", value: "For jane roe" }] }],
      paid: true,
      missing: null,
    };
    expect(eraseValues(doc, ["Jane Roe", "+1 555 0100"])).toEqual({
      id: 5001,
      name: "#5001",
      note: "Call  at  before noon",
      lines: [{ title: "Mug", properties: [{ name: "Engraving", value: "For " }] }],
      paid: true,
      missing: null,
    });
  });

  it("takes the longest value first and treats values as text, not patterns", () => {
    expect(eraseValues("Jane Roe and Jane", ["Jane", "Jane Roe"])).toBe(" and ");
    expect(eraseValues("a.b@x.com and aXb@x.com", ["a.b@x.com"])).toBe(" and aXb@x.com");
    expect(eraseValues({ k: "(+1) 555" }, ["(+1) 555", ""])).toEqual({ k: "" });
  });

  it("leaves a document without the values as it was", () => {
    const doc = { a: ["x", { b: "y" }] };
    expect(eraseValues(doc, [])).toBe(doc);
    expect(eraseValues(doc, ["zzz"])).toEqual(doc);
  });
});

describe("containsAny", () => {
  it("looks in keys' values at any depth, case-insensitively", () => {
    expect(containsAny({ a: [{ b: "Hello JANE" }] }, ["jane"])).toBe(true);
    expect(containsAny({ a: [{ b: "Hello" }] }, ["jane", ""])).toBe(false);
  });
});
