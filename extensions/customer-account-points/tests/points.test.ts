import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { standingFromQuery, standingText, type Translate } from "../src/points";

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const LOCALES = { en: "en.default.json", fr: "fr.json", de: "de.json", es: "es.json" } as const;
type Tree = { [key: string]: string | Tree };
const locale = (name: keyof typeof LOCALES): Tree =>
  JSON.parse(readFileSync(path.join(DIR, "locales", LOCALES[name]), "utf8"));

/** The host's translate as Shopify documents it: dotted keys, {{var}}, plural forms picked by `count`. */
function translator(name: keyof typeof LOCALES): Translate {
  const tree = locale(name);
  const rules = new Intl.PluralRules(name);
  const format = new Intl.NumberFormat(name);
  return (key, vars = {}) => {
    let node: string | Tree | undefined = key
      .split(".")
      .reduce<string | Tree | undefined>((n, part) => (typeof n === "object" ? n[part] : undefined), tree);
    if (typeof node === "object" && typeof vars.count === "number")
      node = node[rules.select(vars.count)] ?? node.other;
    if (typeof node !== "string") throw new Error(`missing ${name}:${key}`);
    return node.replace(/{{\s*(\w+)\s*}}/g, (_, v: string) =>
      v === "count" && typeof vars.count === "number" ? format.format(vars.count) : String(vars[v] ?? ""),
    );
  };
}

const query = (balance: string | null, tier: string | null, progress: unknown) => ({
  customer: {
    balance: balance === null ? null : { value: balance },
    tier: tier === null ? null : { value: tier },
    progress:
      progress === null
        ? null
        : { value: typeof progress === "string" ? progress : JSON.stringify(progress) },
  },
});

describe("standingFromQuery", () => {
  it("reads balance, tier names and progress from the app's metafields", () => {
    expect(
      standingFromQuery(
        query("1250", "silver", { tierName: "Silver", nextTierName: "Gold", fraction: 0.4213 }),
      ),
    ).toEqual({ balance: 1250, tierName: "Silver", nextTierName: "Gold", fraction: 0.4213 });
  });

  it("treats a customer without a balance metafield as not a member", () => {
    expect(standingFromQuery(query(null, null, null))).toBeNull();
    expect(standingFromQuery({ customer: null })).toBeNull();
    expect(standingFromQuery(query("abc", null, null))).toBeNull();
  });

  it("survives a missing or unreadable progress value and the 'none' tier", () => {
    expect(standingFromQuery(query("5", "none", "{oops"))).toEqual({
      balance: 5,
      tierName: null,
      nextTierName: null,
      fraction: null,
    });
    expect(standingFromQuery(query("5", "gold", { fraction: 3 }))).toMatchObject({
      tierName: "gold",
      fraction: null,
    });
  });
});

describe("standingText", () => {
  const silver = { balance: 1250, tierName: "Silver", nextTierName: "Gold", fraction: 0.426 };

  it("formats points with plurals and the progress to the next tier", () => {
    expect(standingText(silver, translator("en"))).toEqual({
      balance: "1,250 points",
      tier: "Silver member",
      next: "43% of the way to Gold",
      percent: 43,
    });
    expect(standingText({ ...silver, balance: 1 }, translator("en")).balance).toBe("1 point");
    expect(standingText(silver, translator("de")).balance).toBe("1.250 Punkte");
  });

  it("says so at the top tier and below the first", () => {
    const top = standingText({ ...silver, nextTierName: null, fraction: null }, translator("fr"));
    expect(top).toMatchObject({ next: "Vous êtes au niveau le plus élevé", percent: null });
    const none = standingText(
      { balance: 0, tierName: null, nextTierName: null, fraction: null },
      translator("es"),
    );
    expect(none).toMatchObject({
      balance: "0 puntos",
      tier: "Sigue comprando para alcanzar tu primer nivel",
      next: null,
    });
  });

  it("has every key in every locale", () => {
    const keys = (tree: Tree, prefix = ""): string[] =>
      Object.entries(tree).flatMap(([k, v]) =>
        typeof v === "string" ? [prefix + k] : keys(v, `${prefix}${k}.`),
      );
    const english = keys(locale("en")).sort();
    for (const name of ["fr", "de", "es"] as const) expect(keys(locale(name)).sort(), name).toEqual(english);
  });
});
