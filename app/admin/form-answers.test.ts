import { describe, expect, it } from "vitest";
import { parseJsonField } from "./form-answers";

describe("parseJsonField", () => {
  it("reads JSON and answers undefined for text that is not", () => {
    expect(parseJsonField('{"earning":{"pointsPerCurrencyUnit":2}}')).toEqual({
      earning: { pointsPerCurrencyUnit: 2 },
    });
    expect(parseJsonField("{earning")).toBeUndefined();
  });

  it("answers undefined for JSON whose strings or keys PostgreSQL cannot store", () => {
    expect(parseJsonField('{"name":"ten\\u0000off"}')).toBeUndefined();
    expect(parseJsonField('{"k\\ud800":1}')).toBeUndefined();
    expect(parseJsonField('["\\ud83d\\ude00"]')).toEqual(["😀"]);
  });
});
