import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_APPEARANCE } from "../../../app/storefront/widget-appearance";
import {
  BLOCKS,
  EXTENSION_DIR,
  LOCALES,
  blockSchema,
  localeFile,
  lookup,
  renderBlock,
} from "../../../tests/support/widget-liquid";

function keys(tree: unknown, prefix = ""): string[] {
  if (typeof tree !== "object" || tree === null) return [prefix];
  return Object.entries(tree).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

const placeholders = (s: string) => [...s.matchAll(/{(\w+)}/g)].map((m) => m[1]).sort();

const liquidFiles = [
  ...BLOCKS.map((b) => path.join("blocks", `${b}.liquid`)),
  ...readdirSync(path.join(EXTENSION_DIR, "snippets")).map((f) => path.join("snippets", f)),
];

describe("locales", () => {
  it.each(["storefront", "schema"] as const)("every %s locale has exactly the English keys", (kind) => {
    const english = keys(localeFile("en", kind)).sort();
    for (const locale of LOCALES) expect(keys(localeFile(locale, kind)).sort(), locale).toEqual(english);
  });

  it("every translation keeps the English placeholders and is not empty", () => {
    const english = localeFile("en", "storefront");
    for (const key of keys(english)) {
      for (const locale of LOCALES) {
        const value = lookup(localeFile(locale, "storefront"), key);
        expect(typeof value === "string" && value.trim().length > 0, `${locale}.${key}`).toBe(true);
        expect(placeholders(value as string), `${locale}.${key}`).toEqual(
          placeholders(lookup(english, key) as string),
        );
      }
    }
  });

  it("every key the Liquid translates exists", () => {
    const strings = localeFile("en", "storefront");
    for (const file of liquidFiles) {
      const source = readFileSync(path.join(EXTENSION_DIR, file), "utf8");
      for (const [, key] of source.matchAll(/'([\w.]+)'\s*\|\s*t\b/g)) {
        expect(typeof lookup(strings, key!), `${file}: ${key}`).toBe("string");
      }
    }
  });
});

describe.each(BLOCKS)("block %s", (name) => {
  const schema = blockSchema(name);

  it("has a schema whose t: keys exist in every schema locale and whose assets exist", () => {
    const refs = JSON.stringify(schema).match(/"t:[\w.]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const locale of LOCALES) {
      for (const ref of refs) {
        expect(typeof lookup(localeFile(locale, "schema"), ref.slice(3, -1)), `${locale} ${ref}`).toBe(
          "string",
        );
      }
    }
    for (const asset of [schema.javascript, schema.stylesheet]) {
      expect(readdirSync(path.join(EXTENSION_DIR, "assets"))).toContain(asset);
    }
    expect(schema.target).toBe(name === "loyalty-launcher" ? "body" : "section");
  });

  it.each(LOCALES)("renders for a guest and a member in %s", async (locale) => {
    const guest = await renderBlock(name, { locale, customer: null });
    const member = await renderBlock(name, { locale, customer: { id: 7 } });
    // Guests get the join call to action from Liquid alone; nothing fetches member data.
    expect(guest.html).toContain('href="/account/login"');
    expect(guest.html).toContain('href="/account/register"');
    expect(guest.html).not.toMatch(/data-lw-(member|card|rewards)\b/);
    expect(member.html).not.toContain('href="/account/login"');
    for (const html of [guest.html, member.html]) {
      const json = /<script type="application\/json" data-lw-i18n[^>]*>([\s\S]*?)<\/script>/.exec(html)?.[1];
      expect(() => JSON.parse(json ?? "")).not.toThrow();
      expect(html).not.toMatch(/translation missing|Liquid error/i);
    }
  });
});

describe("launcher markup", () => {
  it("is an accessible disclosure for a modal dialog", async () => {
    const { html } = await renderBlock("loyalty-launcher", { customer: { id: 7 }, blockId: "abc" });
    expect(html).toMatch(
      /<button[^>]*aria-haspopup="dialog"[^>]*aria-expanded="false"[^>]*aria-controls="lw-panel-abc"/,
    );
    expect(html).toMatch(
      /id="lw-panel-abc"[^>]*role="dialog"[^>]*aria-modal="true"[^>]*aria-labelledby="lw-title-abc"/,
    );
    expect(html).toMatch(/<h2[^>]*id="lw-title-abc"[^>]*tabindex="-1"/);
    expect(html).toMatch(/aria-live="polite"/);
    expect(html).toMatch(/class="lw-close" aria-label="Close"/);
  });

  it("applies the appearance set in the app (the shop's $app.widget metafield), escaped", async () => {
    const { html } = await renderBlock("loyalty-launcher", {
      customer: null,
      appearance: {
        ...DEFAULT_APPEARANCE,
        position: "bottom-left",
        accentColor: "#ff0066",
        launcherText: "Club <VIP>",
        launcherIcon: "star",
        proxyPath: "/a/club",
      },
    });
    expect(html).toContain('data-position="bottom-left"');
    expect(html).toContain("--lw-accent: #ff0066");
    expect(html).toContain("Club &lt;VIP&gt;");
    expect(html).toContain('d="m12 2.5');
    expect(html).toContain('data-lw-proxy="/a/club"');
  });

  it("falls back to the defaults before the app has written any appearance", async () => {
    const { html } = await renderBlock("loyalty-launcher", { customer: null, appearance: null });
    expect(html).toContain('data-position="bottom-right"');
    expect(html).toContain("--lw-accent: #1f4ed8; --lw-accent-text: #ffffff");
    expect(html).toContain('data-lw-proxy="/apps/loyalty"');
    expect(html).toContain("<span>Rewards</span>");
  });

  it("renders nothing of the program for a customer in the program holdout", async () => {
    for (const name of BLOCKS) {
      const { html } = await renderBlock(name, { customer: { id: 7, heldOut: true } });
      expect(html.trim(), name).toBe("");
    }
  });

  it("gives a guest's panel the join links and a place for the program it sells", async () => {
    const { html } = await renderBlock("loyalty-launcher", { customer: null, rootUrl: "/fr/", locale: "fr" });
    expect(html).toMatch(/<a class="lw-button" href="\/fr\/account\/register" data-lw-cta>Rejoindre/);
    expect(html).toContain('href="/fr/account/login"');
    expect(html).toContain("data-lw-program");
  });

  it("serves the proxy under the locale's root", async () => {
    const { html } = await renderBlock("loyalty-launcher", {
      customer: { id: 7 },
      rootUrl: "/fr/",
      locale: "fr",
    });
    expect(html).toContain('data-lw-root="/fr/"');
  });
});

describe("widget script strings", () => {
  it("finds every string it asks for in the rendered translations", async () => {
    const js = readFileSync(path.join(EXTENSION_DIR, "assets", "loyalty-widget.js"), "utf8");
    const { html } = await renderBlock("points-card", { customer: { id: 7 } });
    const strings = JSON.parse(/data-lw-i18n[^>]*>([\s\S]*?)<\/script>/.exec(html)![1]!);
    const direct = [...js.matchAll(/\bt\("(\w+)"[,)]/g)].map((m) => m[1]!);
    const counted = [...js.matchAll(/\bcount\("(\w+)"/g)].flatMap((m) => [`${m[1]}_one`, `${m[1]}_other`]);
    const campaigns = ["earn_campaign_multiplier", "earn_campaign_fixed"];
    const kinds = ["earn", "bonus", "release", "redeem", "redemptionReturn", "refundReversal"]
      .concat(["cancellationReversal", "expiry", "adjustment"])
      .map((k) => `kind_${k}`);
    const errors = [
      "insufficient_points",
      "reward_unavailable",
      "limit_reached",
      "rate_limited",
      "login_required",
    ]
      .concat(["not_member", "reward_not_found", "below_minimum_subtotal", "code_unavailable"])
      .map((c) => `error_${c}`);
    for (const key of [
      ...direct,
      ...counted,
      ...campaigns,
      ...kinds,
      ...errors,
      "points_one",
      "points_other",
    ]) {
      expect(strings, key).toHaveProperty(key);
    }
    expect(direct.length).toBeGreaterThan(20);
  });
});
