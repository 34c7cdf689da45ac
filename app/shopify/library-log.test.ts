import { describe, expect, it } from "vitest";
import { sessionToken } from "../../emulator/testing";
import { maskSessionTokens } from "./library-log.server";

// The two lines the Shopify library writes with a session token in them at Debug level.
describe("maskSessionTokens", () => {
  const token = sessionToken("mask.myshopify.com");

  it.each([
    `[shopify-app/DEBUG] Attempting to authenticate session token | {shop: mask.myshopify.com, sessionToken: {"header":"${token}","search":null}}`,
    `[shopify-app/DEBUG] Failed to validate session token: Failed to parse session token '${token}': "exp" claim timestamp check failed | {shop: null}`,
  ])("masks the token in %s", (line) => {
    const masked = maskSessionTokens(line);
    expect(masked).not.toContain(token);
    expect(masked).not.toContain(token.split(".")[2]);
    expect(masked).toContain("[session token]");
  });

  it("leaves lines without a token as they are", () => {
    const line = "[shopify-app/INFO] Authenticating admin request | {shop: mask.myshopify.com}";
    expect(maskSessionTokens(line)).toBe(line);
  });
});
