import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The Shopify Functions "deployed" with the app: the emulator reads them from this
// repository's extensions/*/shopify.extension.toml (type = "function"), as
// `shopify app deploy` would register them. A function's discount classes follow from its
// targets: cart lines give PRODUCT and ORDER, delivery options give SHIPPING.

export type DiscountClass = "PRODUCT" | "ORDER" | "SHIPPING";

export type DeployedFunction = {
  id: string;
  handle: string;
  title: string;
  apiType: string;
  targets: string[];
  discountClasses: DiscountClass[];
};

const EXTENSIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../extensions");

const CLASSES_BY_TARGET: Record<string, DiscountClass[]> = {
  "cart.lines.discounts.generate.run": ["PRODUCT", "ORDER"],
  "cart.lines.discounts.generate.fetch": ["PRODUCT", "ORDER"],
  "cart.delivery-options.discounts.generate.run": ["SHIPPING"],
  "cart.delivery-options.discounts.generate.fetch": ["SHIPPING"],
};

/** Reads one extension's toml; null unless it is a function. Enough TOML for Shopify's own layout. */
export function functionFromToml(source: string): DeployedFunction | null {
  const value = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, "m").exec(source)?.[1];
  if (value("type") !== "function") return null;
  const handle = value("handle");
  if (!handle) return null;
  const targets = [...source.matchAll(/^\s*target\s*=\s*"([^"]+)"/gm)].map((m) => m[1]!);
  const discountClasses = [...new Set(targets.flatMap((t) => CLASSES_BY_TARGET[t] ?? []))];
  // Shopify's function ids are opaque UUID-shaped strings, stable per deployment.
  const hex = createHash("sha256").update(`function:${handle}`).digest("hex");
  return {
    id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
    handle,
    title: value("name") ?? handle,
    apiType: discountClasses.length ? "discount" : "other",
    targets,
    discountClasses,
  };
}

let cached: DeployedFunction[] | undefined;

export function deployedFunctions(): DeployedFunction[] {
  if (cached) return cached;
  cached = existsSync(EXTENSIONS_DIR)
    ? readdirSync(EXTENSIONS_DIR, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => path.join(EXTENSIONS_DIR, d.name, "shopify.extension.toml"))
        .filter(existsSync)
        .flatMap((file) => functionFromToml(readFileSync(file, "utf8")) ?? [])
    : [];
  return cached;
}
