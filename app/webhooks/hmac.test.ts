import { describe, expect, it } from "vitest";
import { isValidWebhookHmac, webhookHmac } from "./hmac";

// Reference computed independently:
//   printf '%s' "$BODY" | openssl dgst -sha256 -hmac hush -binary | base64
// (python3's hmac module gives the same value). The body has non-ASCII characters to
// prove the signature covers the raw UTF-8 bytes.
const BODY = '{"id":820982911946154500,"email":"jon@example.com","note":"café ☕"}';
const SIGNATURE = "3FsP6DE0j+Eq4WZVbJ8fvelBtQkFmpm9jldUNQnq0gM=";

describe("webhook HMAC", () => {
  it("matches the independently computed signature for string and byte bodies", () => {
    expect(webhookHmac("hush", BODY)).toBe(SIGNATURE);
    expect(webhookHmac("hush", new TextEncoder().encode(BODY))).toBe(SIGNATURE);
  });

  it("accepts the right signature, with or without surrounding whitespace", () => {
    expect(isValidWebhookHmac("hush", BODY, SIGNATURE)).toBe(true);
    expect(isValidWebhookHmac("hush", BODY, ` ${SIGNATURE} `)).toBe(true);
  });

  it.each([
    ["another secret", "other", BODY, SIGNATURE],
    ["a changed body", "hush", BODY.replace("jon", "jan"), SIGNATURE],
    ["re-serialised JSON", "hush", JSON.stringify(JSON.parse(BODY), null, 1), SIGNATURE],
    ["a truncated signature", "hush", BODY, SIGNATURE.slice(0, 20)],
    ["an empty signature", "hush", BODY, ""],
    ["a hex signature", "hush", BODY, Buffer.from(SIGNATURE, "base64").toString("hex")],
    ["non-base64 garbage", "hush", BODY, "!!!not base64!!!"],
  ])("rejects %s", (_case, secret, body, header) => {
    expect(isValidWebhookHmac(secret, body, header)).toBe(false);
  });
});
