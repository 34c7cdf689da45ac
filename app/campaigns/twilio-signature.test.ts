import { describe, expect, it } from "vitest";
import { twilioSignature, validTwilioSignature } from "./twilio.server";

// Twilio's request signature against the example published with Twilio's security docs.

const URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS = {
  CallSid: "CA1234567890ABCDE",
  Caller: "+12349013030",
  Digits: "1234",
  From: "+12349013030",
  To: "+18005551212",
};

describe("twilioSignature", () => {
  it("matches Twilio's published example", () => {
    expect(twilioSignature("12345", URL, PARAMS)).toBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  });

  it("refuses another token, another URL, a changed parameter or no signature", () => {
    const signature = twilioSignature("12345", URL, PARAMS);
    expect(validTwilioSignature("12345", signature, URL, PARAMS)).toBe(true);
    expect(validTwilioSignature("54321", signature, URL, PARAMS)).toBe(false);
    expect(validTwilioSignature("12345", signature, `${URL}&x=1`, PARAMS)).toBe(false);
    expect(validTwilioSignature("12345", signature, URL, { ...PARAMS, Digits: "1235" })).toBe(false);
    expect(validTwilioSignature("12345", null, URL, PARAMS)).toBe(false);
  });
});
