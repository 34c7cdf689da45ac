import { readFileSync } from "node:fs";
import path from "node:path";
import { Liquid, type TagToken, type TopLevelToken } from "liquidjs";
import type { WidgetAppearance } from "./widget-appearance";

/**
 * Renders the theme app extension's Liquid (extensions/loyalty-widget) the way a Shopify
 * storefront would, closely enough for the admin's live preview, the demo's storefront and
 * the tests: `t` reads locales/, `asset_url` points at assets/, `{% schema %}` is captured
 * rather than printed, snippets resolve from snippets/, and the shop's `$app.widget`
 * metafield holds the appearance set on /app/widget. The app runs from the repository root
 * (npm start, the demo, the tests), where the extension lives beside it.
 */
export const EXTENSION_DIR = path.resolve(process.cwd(), "extensions/loyalty-widget");
export const BLOCKS = ["loyalty-launcher", "points-card", "rewards-list"] as const;
export type BlockName = (typeof BLOCKS)[number];
export const LOCALES = ["en", "fr", "de", "es"] as const;
export type Locale = (typeof LOCALES)[number];

export interface BlockSchema {
  name: string;
  target: "body" | "head" | "section";
  javascript?: string;
  stylesheet?: string;
  enabled_on?: { templates: string[] };
  settings: {
    type: string;
    id?: string;
    default?: unknown;
    label?: string;
    info?: string;
    content?: string;
  }[];
}

export function localeFile(locale: Locale, kind: "storefront" | "schema"): Record<string, unknown> {
  const name = `${locale}${locale === "en" ? ".default" : ""}${kind === "schema" ? ".schema" : ""}.json`;
  return JSON.parse(readFileSync(path.join(EXTENSION_DIR, "locales", name), "utf8"));
}

export function lookup(tree: Record<string, unknown>, key: string): unknown {
  return key
    .split(".")
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
}

export function blockSource(name: BlockName): string {
  return readFileSync(path.join(EXTENSION_DIR, "blocks", `${name}.liquid`), "utf8");
}

export function blockSchema(name: BlockName): BlockSchema {
  const match = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/.exec(blockSource(name));
  if (!match?.[1]) throw new Error(`${name}.liquid has no {% schema %}`);
  return JSON.parse(match[1]);
}

function engine(locale: Locale): Liquid {
  const strings = localeFile(locale, "storefront");
  const fallback = localeFile("en", "storefront");
  const liquid = new Liquid({
    root: [path.join(EXTENSION_DIR, "snippets")],
    extname: ".liquid",
    strictFilters: true,
    jsTruthy: false,
  });
  liquid.registerFilter("t", (key: string, vars?: Record<string, unknown>) => {
    const value = lookup(strings, key) ?? lookup(fallback, key);
    if (typeof value !== "string") throw new Error(`translation missing: ${locale}.${key}`);
    return value.replace(/{{\s*(\w+)\s*}}/g, (_, name: string) => String(vars?.[name] ?? ""));
  });
  liquid.registerFilter("asset_url", (file: string) => `/extensions/loyalty-widget/assets/${file}`);
  // Shopify's {% schema %} is configuration, never output.
  liquid.registerTag("schema", {
    parse(token: TagToken, remain: TopLevelToken[]) {
      for (let next = remain.shift(); next; next = remain.shift()) {
        if (next.kind === 4 && (next as TagToken).name === "endschema") return;
      }
      throw new Error(`{% schema %} without {% endschema %} at ${token.getPosition().join(":")}`);
    },
    render() {
      return "";
    },
  });
  return liquid;
}

export interface RenderOptions {
  locale?: Locale;
  /** The logged-in customer, or null for a guest; `heldOut` as the app's progress metafield says it. */
  customer?: { id: number; first_name?: string; heldOut?: boolean } | null;
  /** The shop's `$app.widget` metafield value; missing: the extension's defaults. */
  appearance?: WidgetAppearance | null;
  settings?: Record<string, unknown>;
  blockId?: string;
  /** Storefront root for the locale ("/" or "/fr/"). */
  rootUrl?: string;
}

/** The block's HTML and the assets its schema asks the theme to load. */
export async function renderBlock(
  name: BlockName,
  options: RenderOptions = {},
): Promise<{ html: string; javascript: string[]; stylesheet: string[] }> {
  const schema = blockSchema(name);
  const defaults = Object.fromEntries(
    schema.settings.filter((s) => s.id).map((s) => [s.id, s.default ?? (s.type === "text" ? "" : null)]),
  );
  const rootUrl = options.rootUrl ?? "/";
  const prefix = rootUrl.replace(/\/$/, "");
  const html = await engine(options.locale ?? "en").parseAndRender(
    blockSource(name),
    {
      block: {
        id: options.blockId ?? name,
        settings: { ...defaults, ...options.settings },
        shopify_attributes: "",
      },
    },
    {
      globals: {
        customer: options.customer && {
          ...options.customer,
          metafields: { $app: { progress: { value: options.customer.heldOut ? { noProgram: true } : {} } } },
        },
        shop: { metafields: { $app: { widget: options.appearance ? { value: options.appearance } : null } } },
        routes: {
          root_url: rootUrl,
          account_login_url: `${prefix}/account/login`,
          account_register_url: `${prefix}/account/register`,
        },
      },
    },
  );
  const asset = (file?: string) => (file ? [`/extensions/loyalty-widget/assets/${file}`] : []);
  return { html, javascript: asset(schema.javascript), stylesheet: asset(schema.stylesheet) };
}
