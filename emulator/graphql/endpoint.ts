import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorConfig } from "../config";
import { headerValue, parseJsonObject, readBody, sendJson } from "../http";
import type { EmulatorStore } from "../store";
import { executeAdminQuery } from "./execute";
import { takeRequestFault } from "./faults";
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

/** Shopify's THROTTLED answer for a 10-point mutation, as if the shop's bucket were empty. */
function plannedThrottle(throttle: EmulatorConfig["throttle"]) {
  return {
    errors: [
      {
        message: "Throttled",
        extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
      },
    ],
    extensions: {
      cost: {
        requestedQueryCost: 10,
        actualQueryCost: null,
        throttleStatus: {
          maximumAvailable: throttle.maximumAvailable,
          currentlyAvailable: 0,
          restoreRate: throttle.restoreRate,
        },
      },
    },
  };
}

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
  // Planned faults (see faults.ts): a 5xx or THROTTLED writes nothing; a timeout writes
  // and then never answers.
  const fault = takeRequestFault(shop, body.query, operationName);
  if (fault === "serverError") return sendJson(res, 500, { errors: "Internal Server Error" }, headers);
  if (fault === "throttled") return sendJson(res, 200, plannedThrottle(ctx.config.throttle), headers);
  const response = await executeAdminQuery(
    { query: body.query, variables, operationName },
    { config: ctx.config, store: ctx.store, shop, token },
    ctx.admin,
    ctx.buckets,
  );
  if (fault === "timeout") {
    req.socket.destroy();
    return;
  }
  sendJson(res, 200, response, headers);
}
