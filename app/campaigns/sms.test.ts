import { describe, expect, it } from "vitest";
import { sampleValues } from "./template";
import { e164, OPT_OUT_LINE, smsContent, smsKeyword, smsSize, smsSizeProblem } from "./sms";

describe("e164", () => {
  it.each([
    ["+1 (555) 010-2030", "+15550102030"],
    ["+44 7700 900123", "+447700900123"],
    ["+33.6.12.34.56.78", "+33612345678"],
  ])("reads %s", (input, expected) => expect(e164(input)).toBe(expected));

  it.each(["5550102030", "+0123456789", "+1555", "+1234567890123456", "call me", "", null])(
    "refuses %s",
    (input) => expect(e164(input)).toBeNull(),
  );
});

describe("smsSize", () => {
  it("counts GSM-7 up to 160 in one segment, then 153 per part", () => {
    expect(smsSize("a".repeat(160))).toMatchObject({ encoding: "GSM-7", segments: 1, units: 160 });
    expect(smsSize("a".repeat(161)).segments).toBe(2);
    expect(smsSize("a".repeat(306)).segments).toBe(2);
    expect(smsSize("a".repeat(307)).segments).toBe(3);
  });

  it("counts the extension table as two septets and never splits an escape pair", () => {
    expect(smsSize("€".repeat(80))).toMatchObject({ encoding: "GSM-7", units: 160, segments: 1 });
    // 152 septets then a two-septet € does not fit in the first 153-septet part.
    const text = `${"a".repeat(152)}€${"a".repeat(10)}`;
    expect(smsSize(text)).toMatchObject({ units: 164, segments: 2 });
    expect(smsSize(`${"a".repeat(151)}€${"a".repeat(153)}`).segments).toBe(2);
    expect(smsSize(`${"a".repeat(152)}€${"a".repeat(152)}`).segments).toBe(3);
  });

  it("falls to UCS-2 for any character outside GSM-7: 70, then 67 per part", () => {
    expect(smsSize(`${"a".repeat(69)}ç`)).toMatchObject({ encoding: "UCS-2", segments: 1 });
    expect(smsSize(`${"a".repeat(70)}ç`).segments).toBe(2);
    expect(smsSize("é".repeat(160)).encoding).toBe("GSM-7");
  });

  it("counts an emoji as two UCS-2 units and one character", () => {
    expect(smsSize("🎉")).toEqual({ encoding: "UCS-2", characters: 1, units: 2, segments: 1 });
    // 66 units + a surrogate pair: the pair moves to the next part.
    expect(smsSize(`${"a".repeat(66)}🎉${"a".repeat(10)}`).segments).toBe(2);
  });

  it("refuses more than 10 segments or 1600 characters", () => {
    expect(smsSizeProblem(smsSize("a".repeat(1530)))).toBeNull();
    expect(smsSizeProblem(smsSize("a".repeat(1531)))).toMatch(/11 segments/);
    expect(smsSizeProblem(smsSize("ç".repeat(671)))).toMatch(/UCS-2/);
  });
});

describe("smsContent", () => {
  const values = sampleValues("Maple & Co");
  it("renders the template and adds the opt-out line to marketing texts", () => {
    const marketing = smsContent("Hi {firstName}, you have {balance}.", values, { transactional: false });
    expect(marketing.body).toBe(`Hi Ana, you have 1,250.\n${OPT_OUT_LINE}`);
    const transactional = smsContent("Hi {firstName}", values, { transactional: true });
    expect(transactional.body).toBe("Hi Ana");
    expect(transactional.size.segments).toBe(1);
  });
});

describe("smsKeyword", () => {
  it.each(["STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "CANCEL", "end", "QUIT"])(
    "%s opts out",
    (w) => expect(smsKeyword(w)).toBe("stop"),
  );
  it.each(["START", "unstop", "Yes"])("%s opts in", (w) => expect(smsKeyword(w)).toBe("start"));
  it.each(["please stop texting", "hello", ""])("%s is neither", (w) => expect(smsKeyword(w)).toBeNull());
});
