import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { signedProxyQuery } from "../app/storefront/proxy-signature";
import type { WidgetAppearance } from "../app/storefront/widget-appearance";
import { EXTENSION_DIR, renderBlock, type Locale } from "../app/storefront/widget-liquid.server";

// A stand-in for a Shopify storefront with the loyalty widget installed, for the demo and
// the browser tests: a small theme page with the theme app extension's Liquid rendered
// (app embed, points card, rewards list), its assets injected the way Shopify injects a
// theme app extension's (`<script async>` and a stylesheet in <head>), and /apps/loyalty/*
// (or the merchant's proxy path) forwarded to the app's /proxy/* the way Shopify's app
// proxy does, signed with shop, logged_in_customer_id, path_prefix and timestamp.
// There is no login: `?customer=<id>` signs in as that customer (a cookie, as Shopify's
// session would), `?customer=guest` signs out.

export interface StorefrontCustomer {
  id: number;
  first_name?: string;
  /** In the program holdout: the app's progress metafield on the customer says so. */
  heldOut?: boolean;
}

export interface StorefrontHarness {
  url: string;
  /** Proxied requests and the app's status codes, in order. */
  proxied: Array<{ method: string; path: string; status: number }>;
  close: () => Promise<void>;
}

export interface HarnessOptions {
  appUrl: string;
  shop: string;
  /** The store's name in the page's title and header (a theme prints `shop.name`). */
  shopName?: string;
  secret: string;
  /** Who is signed in when no `?customer=` cookie says otherwise. */
  customer: StorefrontCustomer | null;
  locale?: Locale;
  port?: number;
  host?: string;
  /** The shop's `$app.widget` metafield value, as Liquid would read it at render time. */
  appearance?: () => Promise<WidgetAppearance | null> | WidgetAppearance | null;
  /** A customer by id (name, holdout), for `?customer=<id>`; null when the shop has none. */
  findCustomer?: (id: number) => Promise<StorefrontCustomer | null> | StorefrontCustomer | null;
  /** Links in a bar above the page to view it as these shoppers (the demo). */
  viewAs?: Array<{ label: string; customer: number | "guest" }>;
}

const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css" };
const COOKIE = "storefront_customer";

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

async function page(options: HarnessOptions, customer: StorefrontCustomer | null, locale: Locale) {
  const appearance = (await options.appearance?.()) ?? null;
  const common = { customer, locale, appearance, rootUrl: locale === "en" ? "/" : `/${locale}/` };
  const launcher = await renderBlock("loyalty-launcher", { ...common, blockId: "embed" });
  const card = await renderBlock("points-card", { ...common, blockId: "card" });
  const rewards = await renderBlock("rewards-list", { ...common, blockId: "rewards" });
  const blocks = [launcher, card, rewards];
  const styles = [...new Set(blocks.flatMap((b) => b.stylesheet))];
  const scripts = [...new Set(blocks.flatMap((b) => b.javascript))];
  const bar = options.viewAs?.length
    ? `<nav class="demo-bar" aria-label="View the storefront as">Demo storefront — view as: ${options.viewAs
        .map((v) => `<a href="/?customer=${v.customer}">${escapeHtml(v.label)}</a>`)
        .join(" · ")}</nav>`
    : "";
  const shopName = escapeHtml(options.shopName ?? "Northwind Outfitters");
  return `<!doctype html>
<html lang="${locale}">
<head>
  <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${shopName}</title>
  ${styles.map((href) => `<link rel="stylesheet" href="${href}">`).join("\n  ")}
  ${scripts.map((src) => `<script src="${src}" async></script>`).join("\n  ")}
  <style>
    body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; }
    .demo-bar { padding: 0.5rem 2rem; background: #111827; color: #e5e7eb; font-size: 0.875rem; }
    .demo-bar a { color: #93c5fd; }
    header { padding: 1rem 2rem; border-bottom: 1px solid #ddd; font-weight: 600; }
    main { max-width: 56rem; margin: 0 auto; padding: 2rem; }
    .blocks { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; align-items: start; }
    .product-grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; margin-top: 2rem; }
    .product { height: 10rem; background: #f3f3f3; border-radius: 8px; }
  </style>
</head>
<body>
  ${bar}
  <header>${shopName}${customer ? ` — ${escapeHtml(customer.first_name ?? `customer ${customer.id}`)}` : ""}</header>
  <main>
    <h1>${customer ? "Your account" : "Welcome"}</h1>
    <div class="blocks">${card.html}${rewards.html}</div>
    <div class="product-grid"><div class="product"></div><div class="product"></div><div class="product"></div></div>
  </main>
  ${launcher.html}
</body>
</html>`;
}

function cookieCustomer(req: IncomingMessage): string | null {
  const match = new RegExp(`(?:^|; )${COOKIE}=([^;]*)`).exec(req.headers.cookie ?? "");
  return match ? decodeURIComponent(match[1]!) : null;
}

async function who(options: HarnessOptions, chosen: string | null): Promise<StorefrontCustomer | null> {
  if (chosen === null) return options.customer;
  if (chosen === "guest" || !/^\d+$/.test(chosen)) return null;
  return (await options.findCustomer?.(Number(chosen))) ?? { id: Number(chosen) };
}

async function forward(
  req: IncomingMessage,
  res: ServerResponse,
  options: HarnessOptions,
  harness: StorefrontHarness,
  subpath: string,
) {
  const incoming = new URL(req.url ?? "/", "http://storefront");
  const customer = await who(options, cookieCustomer(req));
  const query = signedProxyQuery({
    shop: options.shop,
    customerId: customer ? String(customer.id) : null,
    secret: options.secret,
    extra: incoming.searchParams,
  });
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const name of ["content-type", "accept", "accept-language"]) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  const upstream = await fetch(`${options.appUrl}/proxy${subpath}?${query}`, {
    method: req.method,
    headers,
    ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    redirect: "manual",
  });
  harness.proxied.push({ method: req.method ?? "GET", path: incoming.pathname, status: upstream.status });
  const out: Record<string, string> = {};
  upstream.headers.forEach((value, name) => {
    if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(name))
      out[name] = value;
  });
  res.writeHead(upstream.status, out);
  res.end(Buffer.from(await upstream.arrayBuffer()));
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: HarnessOptions,
  harness: StorefrontHarness,
) {
  const url = new URL(req.url ?? "/", "http://storefront");
  const localePrefix = /^\/(fr|de|es)(?=\/|$)/.exec(url.pathname);
  const locale = (localePrefix?.[1] as Locale | undefined) ?? options.locale ?? "en";
  const pathname = localePrefix ? url.pathname.slice(localePrefix[0].length) || "/" : url.pathname;
  const proxyPath = (await options.appearance?.())?.proxyPath ?? "/apps/loyalty";
  if (pathname === proxyPath || pathname.startsWith(`${proxyPath}/`))
    return forward(req, res, options, harness, pathname.slice(proxyPath.length));
  if (pathname.startsWith("/extensions/loyalty-widget/assets/")) {
    const file = path.basename(pathname);
    const body = await readFile(path.join(EXTENSION_DIR, "assets", file));
    res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    return res.end(body);
  }
  if (pathname === "/") {
    const chosen = url.searchParams.get("customer");
    const headers: Record<string, string> = { "Content-Type": "text/html; charset=utf-8" };
    if (chosen !== null)
      headers["Set-Cookie"] = `${COOKIE}=${encodeURIComponent(chosen)}; Path=/; SameSite=Lax`;
    const customer = await who(options, chosen ?? cookieCustomer(req));
    res.writeHead(200, headers);
    return res.end(await page(options, customer, locale));
  }
  res.writeHead(404).end();
}

export function startStorefront(options: HarnessOptions): Promise<StorefrontHarness> {
  const harness: StorefrontHarness = { url: "", proxied: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    handle(req, res, options, harness).catch((error: unknown) => {
      res.writeHead(502, { "Content-Type": "text/plain" }).end(`storefront: ${String(error)}`);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      harness.url = `http://${options.host ?? "127.0.0.1"}:${port}`;
      harness.close = () => new Promise((done) => server.close(() => done()));
      resolve(harness);
    });
  });
}
