import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorStore } from "../store";
import { framePage } from "./frame-page";
import { PICKER_TYPES, pickerResources, type PickerType } from "./resources";
import { createSessionToken } from "./session-token";

// The emulator's Shopify admin: the page that embeds the app with a valid session token,
// the endpoint the App Bridge stand-in fetches fresh tokens from, and the stand-in itself.
// The emulator server delegates /admin-frame, /store/, /app-bridge.js and /session-token here,
// and /admin-frame/resources: what the frame's resource picker lists (same origin as the frame).

export type AdminFrameContext = {
  config: {
    apiKey: string;
    apiSecret: string;
    appUrl: string;
    port?: number;
    defaultShop?: string;
    now?: () => number;
  };
  store: Pick<EmulatorStore, "findShop">;
  url: string;
};

const DEFAULT_SHOP = "demo-loyalty.myshopify.com";
const APP_TITLE = "Loyalty Optimizer";
const SHOP_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
const APP_BRIDGE_SCRIPT = readFileSync(new URL("./app-bridge.client.js", import.meta.url), "utf8");

export async function handleAdminFrame(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: AdminFrameContext,
): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD" && req.method !== "OPTIONS") return false;
  const url = new URL(req.url ?? "/", ctx.url);
  const { apiKey, apiSecret, appUrl } = ctx.config;
  // The emulator's clock, so its token exchange accepts the tokens handed out here.
  const now = (ctx.config.now ?? Date.now)();
  const appOrigin = new URL(appUrl).origin;

  if (url.pathname === "/admin-frame" || url.pathname === "/admin-frame/") {
    const name = storeName(ctx.config.defaultShop ?? DEFAULT_SHOP);
    return send(res, 302, "", { Location: `/store/${name}/apps/${encodeURIComponent(apiKey)}` });
  }

  if (url.pathname === "/admin-frame/resources") {
    const state = ctx.store.findShop(url.searchParams.get("shop") ?? "");
    const type = url.searchParams.get("type") as PickerType;
    if (!state) return sendJson(res, 404, { error: "no such shop in this emulator" }, {});
    if (!PICKER_TYPES.includes(type))
      return sendJson(res, 400, { error: "type must be product, variant or collection" }, {});
    const items = pickerResources(state, type, url.searchParams.get("query") ?? "");
    return sendJson(res, 200, { items }, { "Cache-Control": "no-store" });
  }

  if (url.pathname === "/app-bridge.js") {
    return send(res, 200, APP_BRIDGE_SCRIPT, {
      "Content-Type": "application/javascript; charset=utf-8",
      "Cache-Control": "no-cache",
      "Access-Control-Allow-Origin": "*",
    });
  }

  if (url.pathname === "/session-token") {
    const cors = {
      "Access-Control-Allow-Origin": appOrigin,
      "Access-Control-Allow-Methods": "GET",
      Vary: "Origin",
    };
    if (req.method === "OPTIONS") return send(res, 204, "", cors);
    const shop = url.searchParams.get("shop") ?? "";
    if (!isShopDomain(shop))
      return sendJson(res, 400, { error: "shop must be a <name>.myshopify.com domain" }, cors);
    return sendJson(res, 200, createSessionToken(shop, apiKey, apiSecret, now), {
      ...cors,
      "Cache-Control": "no-store",
    });
  }

  const match = /^\/store\/([^/]+)\/apps\/([^/]+)(\/.*)?$/.exec(url.pathname);
  if (match) {
    const [, name = "", key = "", rest = ""] = match;
    if (!SHOP_NAME.test(name)) return send(res, 400, "Invalid store name", { "Content-Type": "text/plain" });
    if (decodeURIComponent(key) !== apiKey) {
      return send(res, 404, `No app with client id ${key} is installed on this emulator.`, {
        "Content-Type": "text/plain",
      });
    }
    const shop = `${name}.myshopify.com`;
    const state = ctx.store.findShop(shop);
    if (!state)
      return send(res, 404, `There is no store ${shop} in this emulator.`, { "Content-Type": "text/plain" });
    const iframeSrc = embeddedAppUrl(
      appUrl,
      shop,
      rest,
      createSessionToken(shop, apiKey, apiSecret, now).token,
    );
    const html = framePage({ shop, shopName: state.shop.name, appTitle: APP_TITLE, appOrigin, iframeSrc });
    return send(res, 200, html, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  }
  return false;
}

// What Shopify admin loads in the iframe: the app URL with shop, host (base64 of the
// admin address), embedded=1, a session token and the staff locale.
export function embeddedAppUrl(appUrl: string, shop: string, subPath: string, idToken: string): string {
  const url = new URL(`${appUrl.replace(/\/$/, "")}/app${subPath === "/" ? "" : subPath}`);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${storeName(shop)}`).toString("base64"));
  url.searchParams.set("id_token", idToken);
  url.searchParams.set("locale", "en");
  return url.href;
}

const storeName = (shop: string) => shop.replace(/\.myshopify\.com$/, "");
const isShopDomain = (shop: string) => /^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$/.test(shop);

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): true {
  res.writeHead(status, headers);
  res.end(res.req?.method === "HEAD" ? undefined : body);
  return true;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): true {
  return send(res, status, JSON.stringify(body), { ...headers, "Content-Type": "application/json" });
}
