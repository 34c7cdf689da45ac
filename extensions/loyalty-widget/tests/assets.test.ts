import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { Script } from "node:vm";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { EXTENSION_DIR } from "../../../tests/support/widget-liquid";

const BUDGET_BYTES = 10 * 1024;
const assets = readdirSync(path.join(EXTENSION_DIR, "assets"));

describe("storefront asset budget", () => {
  it("ships only JavaScript and CSS", () => {
    expect(assets.length).toBeGreaterThan(0);
    for (const file of assets) expect(file).toMatch(/\.(js|css)$/);
  });

  it.each(assets)("%s is at most 10 KB gzipped", (file) => {
    const gzipped = gzipSync(readFileSync(path.join(EXTENSION_DIR, "assets", file)), { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it.each(assets.filter((f) => f.endsWith(".js")))("%s is a classic script that parses", (file) => {
    // Themes load it with a plain <script defer>: no imports, no top-level await.
    expect(() => new Script(readFileSync(path.join(EXTENSION_DIR, "assets", file), "utf8"))).not.toThrow();
  });
});
