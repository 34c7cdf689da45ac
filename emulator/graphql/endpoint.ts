import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorConfig } from "../config";
import { headerValue, parseJsonObject, readBody, sendJson } from "../http";
import type { EmulatorStore } from "../store";
import { executeAdminQuery } from "./execute";
import { takeServerFault } from "./faults";
import type { AdminSchema } from "./schema";
import type { LeakyBuckets } from "./throttle";

// POST /admin/api/:version/graphql.json. Authentication and request shape errors answer
// like Shopify (401 / 400 with `errors`); everything past that is HTTP 200.

export type GraphqlEndpointContext = {
  config: EmulatorConfig;
  store: EmulatorStore;
  admin: AdminSchema;
  buckets: LeakyBuckets;
};

export const GRAPHQL_PATH = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/;

const INVALID_TOKEN = {
  errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
};

export async function handleAdminGraphql(
  req: IncomingMessage,
  res: ServerResponse,
  version: string,
  ctx: GraphqlEndpointContext,
): Promise<void> {
  const headers = { "X-Shopify-API-Version": version };
  const token = ctx.store.tokens.active(headerValue(req, "x-shopify-access-token") ?? "");
  const shopHeader = headerValue(req, "x-shopify-shop-domain");
  if (!token || (shopHeader && shopHeader !== token.shop)) return sendJson(res, 401, INVALID_TOKEN, headers);
  const shop = ctx.store.findShop(token.shop);
  if (!shop) return sendJson(res, 404, { errors: "Not Found" }, headers);

  const body = parseJsonObject(await readBody(req));
  if (!body || typeof body.query !== "string" || !body.query.trim()) {
    return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } }, headers);
  }
  const variables =
    body.variables && typeof body.variables === "object"
      ? (body.variables as Record<string, unknown>)
      : undefined;
  const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
  // A planned outage (see faults.ts): Shopify answers 5xx and writes nothing.
  if (takeServerFault(shop, body.query, operationName))
    return sendJson(res, 500, { errors: "Internal Server Error" }, headers);
  const response = await executeAdminQuery(
    { query: body.query, variables, operationName },
    { config: ctx.config, store: ctx.store, shop, token },
    ctx.admin,
    ctx.buckets,
  );
  sendJson(res, 200, response, headers);
}
