import type { Redis } from "ioredis";
import type { PrismaClient } from "~/db.server";
import { clientAddress } from "~/campaigns/measure/tracking.server";
import { logger } from "~/logger.server";
import { BODY_LIMITS, PayloadTooLarge, readText } from "~/request-body.server";
import { inboxFromStorefront, markReadFromStorefront } from "./inbox.server";
import { loadJoinOffer, loadMemberStatus } from "./member-status.server";
import { authenticateProxy, ProxyRefused, type AppProxyAuthenticate } from "./proxy-auth.server";
import { proxyError, proxyJson } from "./proxy-response";
import { saveBirthdayFromStorefront } from "./birthday.server";
import { redeemFromStorefront } from "./redeem.server";
import { recordWidgetSeen } from "./widget-seen.server";
import type { RateLimit } from "./rate-limit.server";

// The app proxy endpoints (routes/proxy.status.ts, proxy.redeem.ts, proxy.inbox.ts) as plain
// functions of a Request and their dependencies, so tests and the benchmark call exactly
// what the routes call.

export interface ProxyDeps {
  db: PrismaClient;
  redis: Redis;
  /** The Shopify library's app proxy authentication: the Admin API client, for redeem. */
  appProxy: AppProxyAuthenticate;
  /** The app's API secret, which Shopify signs proxy requests with. */
  secret: string;
  now?: () => Date;
  rateLimit?: RateLimit;
}

const loginRequired = (extra: Record<string, unknown> = {}) =>
  proxyError(401, "login_required", "Log in to your customer account to see your points.", extra);

async function guarded(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProxyRefused) return error.response;
    throw error;
  }
}

export function proxyStatus(request: Request, deps: ProxyDeps): Promise<Response> {
  return guarded(async () => {
    const now = deps.now?.() ?? new Date();
    const who = await authenticateProxy(request, { ...deps, now });
    await recordWidgetSeen(deps.db, who.shop, now);
    // Guests get what the join call to action can promise, with the contract's 401.
    if (who.customerId === null) return loginRequired({ join: await loadJoinOffer(deps.db, who.shop, now) });
    return proxyJson(await loadMemberStatus(deps.db, who.shop, who.customerId, now));
  });
}

export function proxyRedeem(request: Request, deps: ProxyDeps): Promise<Response> {
  return guarded(async () => {
    const now = deps.now?.() ?? new Date();
    const who = await authenticateProxy(request, { ...deps, now, admin: true });
    if (who.customerId === null) return loginRequired();
    const body = await proxyBody(request);
    if (body instanceof Response) return body;
    if (!who.graphql) {
      logger().warn({ shop: who.shop }, "App proxy redemption for a shop without an offline session");
      return proxyError(503, "shop_unavailable", "The loyalty app is not connected to this store right now.");
    }
    return redeemFromStorefront(
      { db: deps.db, redis: deps.redis, now, graphql: who.graphql, rateLimit: deps.rateLimit },
      who.shop,
      who.customerId,
      body,
    );
  });
}

export function proxyInbox(request: Request, deps: ProxyDeps): Promise<Response> {
  return guarded(async () => {
    const now = deps.now?.() ?? new Date();
    const who = await authenticateProxy(request, { ...deps, now });
    if (who.customerId === null) return loginRequired();
    const inbox = {
      db: deps.db,
      redis: deps.redis,
      now,
      rateLimit: deps.rateLimit,
      reader: { userAgent: request.headers.get("user-agent"), ip: clientAddress(request) },
    };
    if (request.method !== "POST") return inboxFromStorefront(inbox, who.shop, who.customerId);
    const body = await proxyBody(request);
    if (body instanceof Response) return body;
    return markReadFromStorefront(inbox, who.shop, who.customerId, body);
  });
}

export function proxyBirthday(request: Request, deps: ProxyDeps): Promise<Response> {
  return guarded(async () => {
    const now = deps.now?.() ?? new Date();
    const who = await authenticateProxy(request, { ...deps, now });
    if (who.customerId === null) return loginRequired();
    const body = await proxyBody(request);
    if (body instanceof Response) return body;
    return saveBirthdayFromStorefront(deps.db, who.shop, who.customerId, body, now);
  });
}

/** The request's body as text, or the 413 answer when it is over the proxy's limit. */
async function proxyBody(request: Request): Promise<string | Response> {
  try {
    return await readText(request, BODY_LIMITS.proxy);
  } catch (error) {
    if (!(error instanceof PayloadTooLarge)) throw error;
    return proxyError(413, "invalid_request", error.message, { fields: {} });
  }
}

export type ProxyHandler = (request: Request, deps: ProxyDeps) => Response | Promise<Response>;

export type ProxyEndpoint = "status" | "redeem" | "inbox" | "birthday";

/**
 * The app proxy's endpoints under /proxy/, as the route modules (routes/proxy.*.ts) and the
 * production server's direct path (proxy-node.server.ts) both serve them: `loader` answers
 * GET and HEAD, `action` every other method.
 */
export const PROXY_ENDPOINTS: Record<ProxyEndpoint, { loader: ProxyHandler; action: ProxyHandler }> = {
  status: { loader: proxyStatus, action: () => methodNotAllowed("GET") },
  redeem: {
    loader: () => methodNotAllowed("POST"),
    action: (request, deps) =>
      request.method === "POST" ? proxyRedeem(request, deps) : methodNotAllowed("POST"),
  },
  inbox: {
    loader: proxyInbox,
    action: (request, deps) =>
      request.method === "POST" ? proxyInbox(request, deps) : methodNotAllowed("GET, POST"),
  },
  birthday: {
    loader: () => methodNotAllowed("POST"),
    action: (request, deps) =>
      request.method === "POST" ? proxyBirthday(request, deps) : methodNotAllowed("POST"),
  },
};

/** Any method the endpoint does not serve. */
export function methodNotAllowed(allow: string): Response {
  return proxyError(405, "invalid_request", `Use ${allow}.`, { fields: {} }, { Allow: allow });
}
