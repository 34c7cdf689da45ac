import { describe, expect, it } from "vitest";
import { checkMapping, detectFormat, mappingFor } from "./formats";
import { parseCsv, readRows, referralCodeOf } from "./rows";

describe("detectFormat", () => {
  it.each([
    [
      "Smile's customer fields",
      ["id", "first_name", "email", "points_balance", "vip_tier", "referral_url"],
      "smile",
      { email: 2, pointsBalance: 3, tier: 4, referral: 5, lifetimePoints: null },
    ],
    [
      "LoyaltyLion's profile columns",
      ["Email", "Approved points", "Pending points", "Lifetime points", "Tier", "Referral link"],
      "loyaltylion",
      { email: 0, pointsBalance: 1, lifetimePoints: 3, tier: 4, referral: 5 },
    ],
    [
      "Yotpo's export with its import columns",
      ["Email", "Current Points Balance", "Total Points Earned", "Points Spent", "VIP Tier", "Referral Link"],
      "yotpo",
      { email: 0, pointsBalance: 1, lifetimePoints: 2, pointsSpent: 3, tier: 4, referral: 5 },
    ],
    [
      "a merchant's own sheet, by names any app uses",
      ["Customer Email", "Points", "Notes"],
      "custom",
      { email: 0, pointsBalance: 1, tier: null },
    ],
  ])("recognises %s", (_, headers, source, mapping) => {
    const detected = detectFormat(headers);
    expect(detected.source).toBe(source);
    expect(detected.mapping).toMatchObject(mapping);
  });

  it("maps a file to another app's names when the merchant says it came from there", () => {
    expect(mappingFor("yotpo", ["Email", "Points Balance"])).toMatchObject({ email: 0, pointsBalance: 1 });
  });

  it("checks a mapping: email required, something to import, each column once, inside the file", () => {
    const none = {
      email: null,
      pointsBalance: null,
      lifetimePoints: null,
      pointsSpent: null,
      tier: null,
      referral: null,
    };
    expect(checkMapping(none, 3)).toMatch(/email/);
    expect(checkMapping({ ...none, email: 0 }, 3)).toMatch(/points balance/);
    expect(checkMapping({ ...none, email: 0, pointsBalance: 0 }, 3)).toMatch(/one field only/);
    expect(checkMapping({ ...none, email: 0, pointsBalance: 7 }, 3)).toMatch(/does not have/);
    expect(checkMapping({ ...none, email: 0, tier: 2 }, 3)).toBeNull();
  });
});

describe("rows", () => {
  it("reads quoted fields, a byte-order mark and Windows line ends", () => {
    const file = parseCsv('\uFEFFemail,points\r\n"a@b.co","1,0"\r\nc@d.co,5\r\n');
    expect(file).toMatchObject({
      headers: ["email", "points"],
      rows: [{ line: 2, cells: ["a@b.co", "1,0"] }, { line: 3 }],
    });
  });

  it("refuses a file holding NUL, naming its row, as PostgreSQL would refuse the text", () => {
    expect(parseCsv("email,points\na@b.co,1\nc@d.co,2\u0000\n")).toEqual({
      error:
        "Row 3 holds a character that can't be stored (U+0000, NUL); remove it and upload the file again.",
    });
    expect(parseCsv("em\u0000ail,points\na@b.co,1\n")).toMatchObject({
      error: expect.stringMatching(/^Row 1 /),
    });
  });

  it("says what is wrong with each row", () => {
    const file = parseCsv(
      "email,points,lifetime\nA@B.co,10,20\n,5,\nnot-an-email,5,\nx@y.co,ten,\nz@y.co,-3,\na@b.co,1,\n",
    );
    if ("error" in file) throw new Error(file.error);
    const mapping = {
      email: 0,
      pointsBalance: 1,
      lifetimePoints: 2,
      pointsSpent: null,
      tier: null,
      referral: null,
    };
    const { rows, problems } = readRows(file, mapping);
    expect(rows).toEqual([
      {
        line: 2,
        email: "a@b.co",
        pointsBalance: 10,
        lifetimePoints: 20,
        pointsSpent: null,
        tierName: null,
        referralCode: null,
      },
    ]);
    expect(problems.map((p) => [p.line, p.kind])).toEqual([
      [3, "missingEmail"],
      [4, "badEmail"],
      [5, "badNumber"],
      [6, "negativeBalance"],
      [7, "duplicate"],
    ]);
  });

  it.each([
    ["9qr5Pw", "9qr5Pw"],
    ["http://i.refs.cc/9qr5Pw", "9qr5Pw"],
    ["https://shop.example.com/?ref=LL-ANA77", "LL-ANA77"],
    ["shop.example.com/pages/refer/abc_123", "abc_123"],
    ["https://shop.example.com/", null],
    ["not a code!", null],
  ])("finds the referral code in %s", (value, code) => {
    expect(referralCodeOf(value)).toBe(code);
  });
});
