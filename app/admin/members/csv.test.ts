import { describe, expect, it } from "vitest";
import { csvField, csvLine } from "./csv";

describe("csv", () => {
  it.each([
    ["plain", "plain"],
    ["O'Brien", "O'Brien"],
    ["Smith, Jr.", '"Smith, Jr."'],
    ['5" screen', '"5"" screen"'],
    ["two\nlines", '"two\nlines"'],
    ["cr\rreturn", '"cr\rreturn"'],
    ['=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ["+1 555", "'+1 555"],
    ["-minus", "'-minus"],
    ["@handle", "'@handle"],
    ["Zoë 李", "Zoë 李"],
    ["", ""],
  ])("writes %j as %j", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it("writes numbers as numbers, negative included, and nothing for missing values", () => {
    expect(csvLine([-120, 0, 12.5, null, undefined, Number.NaN])).toBe("-120,0,12.5,,,\r\n");
  });
});
