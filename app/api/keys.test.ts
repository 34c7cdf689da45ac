import { describe, expect, it } from "vitest";
import { bearerKey, displayPrefix, isKeyShaped, keyFromBytes, SECRET_LENGTH } from "./keys";

describe("API key shape", () => {
  it("builds lo_ + 40 base62 characters from bytes, skipping bytes that would bias the draw", () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => (i === 0 ? 250 : i));
    const key = keyFromBytes(bytes)!;
    expect(key).toHaveLength(3 + SECRET_LENGTH);
    expect(key.startsWith("lo_123456789ABC")).toBe(true);
    expect(isKeyShaped(key)).toBe(true);
    expect(displayPrefix(key)).toBe("lo_12345678");
    expect(keyFromBytes(new Uint8Array(64).fill(255))).toBeNull();
  });

  it("reads only a well-formed bearer key", () => {
    const key = `lo_${"a".repeat(SECRET_LENGTH)}`;
    expect(bearerKey(`Bearer ${key}`)).toBe(key);
    expect(bearerKey(`bearer   ${key}`)).toBe(key);
    for (const bad of [
      null,
      "",
      key,
      `Basic ${key}`,
      `Bearer ${key}x`,
      `Bearer lo_${"a".repeat(39)}`,
      `Bearer ${key} extra`,
    ])
      expect(bearerKey(bad)).toBeNull();
  });
});
