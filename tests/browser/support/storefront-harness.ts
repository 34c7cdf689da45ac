import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { EXTENSION_DIR, renderBlock, type RenderOptions } from "../../support/widget-liquid";
import { signedProxyQuery } from "../../../app/storefront/proxy-signature";

// A stand-in for a Shopify storefront with the loyalty widget installed: it renders the
// theme app extension's Liquid into a page (app embed + points card), serves its assets,
// and forwards /apps/loyalty/* to the app's /proxy/* the way Shopify's app proxy does —
// with the signed shop, logged_in_customer_id, path_prefix and timestamp — for one
// logged-in customer.

export interface StorefrontHarness {
  url: string;
  /** Proxied requests and the app's status codes, in order. */
  proxied: Array<{ method: string; path: string; status: number }>;
  close: () => Promise<void>;
}

export interface HarnessOptions {
  appUrl: string;
  shop: string;
  secret: string;
  customer: { id: number; first_name?: string } | null;
  locale?: RenderOptions["locale"];
}

const TYPES: Record<string, string> = { ".js": "text/javascript", ".css": "text/css" };

async function page(options: HarnessOptions): Promise<string> {
  const common = { customer: options.customer, locale: options.locale ?? "en" };
  const launcher = await renderBlock("loyalty-launcher", { ...common, blockId: "embed" });
  const card = await renderBlock("points-card", { ...common, blockId: "card" });
  const styles = [...new Set([...launcher.stylesheet, ...card.stylesheet])];
  const scripts = [...new Set([...launcher.javascript, ...card.javascript])];
  return `<!doctype html>
<html lang="${options.locale ?? "en"}">
<head>
  <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Northwind Outfitters</title>
  ${styles.map((href) => `<link rel="stylesheet" href="${href}">`).join("\n  ")}
  <style>
    body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a; }
    header { padding: 1rem 2rem; border-bottom: 1px solid #ddd; font-weight: 600; }
    main { max-width: 56rem; margin: 0 auto; padding: 2rem; }
    .product-grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; margin-top: 2rem; }
    .product { height: 10rem; background: #f3f3f3; border-radius: 8px; }
  </style>
</head>
<body>
  <header>Northwind Outfitters</header>
  <main>
    <h1>Your account</h1>
    ${card.html}
    <div class="product-grid"><div class="product"></div><div class="product"></div><div class="product"></div></div>
  </main>
  ${launcher.html}
  ${scripts.map((src) => `<script src="${src}" defer></script>`).join("\n  ")}
</body>
</html>`;
}

async function forward(
  req: IncomingMessage,
  res: ServerResponse,
  options: HarnessOptions,
  harness: StorefrontHarness,
) {
  const incoming = new URL(req.url ?? "/", "http://storefront");
  const subpath = incoming.pathname.slice("/apps/loyalty".length);
  const query = signedProxyQuery({
    shop: options.shop,
    customerId: options.customer ? String(options.customer.id) : null,
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

export function startStorefront(options: HarnessOptions): Promise<StorefrontHarness> {
  const harness: StorefrontHarness = { url: "", proxied: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://storefront").pathname;
    const handle = async () => {
      if (pathname === "/apps/loyalty" || pathname.startsWith("/apps/loyalty/"))
        return forward(req, res, options, harness);
      if (pathname.startsWith("/extensions/loyalty-widget/assets/")) {
        const file = path.basename(pathname);
        const body = await readFile(path.join(EXTENSION_DIR, "assets", file));
        res.writeHead(200, { "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream" });
        return res.end(body);
      }
      if (pathname === "/") {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        return res.end(await page(options));
      }
      res.writeHead(404).end();
    };
    handle().catch((error: unknown) => {
      res.writeHead(502, { "Content-Type": "text/plain" }).end(`storefront harness: ${String(error)}`);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      harness.url = `http://127.0.0.1:${port}`;
      harness.close = () => new Promise((done) => server.close(() => done()));
      resolve(harness);
    });
  });
}
