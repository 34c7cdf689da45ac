import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorConfig } from "../config";
import { headerValue, parseParams, readBody, sendJson } from "../http";
import type { EmulatorStore } from "../store";
import { grantAccessToken } from "./access-token";

// POST /admin/oauth/access_token. The shop comes from X-Shopify-Shop-Domain, which
// app/shopify/emulator-origin.server.ts sets when it reroutes https://<shop>/admin/... here.

export const ACCESS_TOKEN_PATH = "/admin/oauth/access_token";

export async function handleAccessToken(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: { config: EmulatorConfig; store: EmulatorStore },
): Promise<void> {
  const params = parseParams(req, await readBody(req));
  const shop = headerValue(req, "x-shopify-shop-domain")?.toLowerCase();
  const { status, body } = grantAccessToken(params, shop, ctx);
  sendJson(res, status, body, { "Cache-Control": "no-store" });
}
