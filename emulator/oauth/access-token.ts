import type { EmulatorConfig } from "../config";
import type { StaffRecord } from "../resources/records";
import type { EmulatorStore } from "../store";
import { verifyJwt } from "./jwt";
import type { IssuedToken } from "./tokens";

// POST /admin/oauth/access_token as @shopify/shopify-api calls it: token exchange of a
// session token (embedded auth), migration of a non-expiring offline token, and refresh
// of an expiring offline token. Errors follow OAuth 2.0 ({ error, error_description }).

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

export type GrantResult = { status: number; body: Record<string, unknown> };
type Ctx = { config: EmulatorConfig; store: EmulatorStore };

const oauthError = (status: number, error: string, description: string): GrantResult => ({
  status,
  body: { error, error_description: description },
});

export function grantAccessToken(
  params: Record<string, string>,
  shop: string | undefined,
  ctx: Ctx,
): GrantResult {
  if (!shop) return oauthError(400, "invalid_request", "The shop is missing (X-Shopify-Shop-Domain header).");
  if (!ctx.store.findShop(shop)) return { status: 404, body: { errors: "Not Found" } };
  if (params.client_id !== ctx.config.apiKey || params.client_secret !== ctx.config.apiSecret) {
    return oauthError(
      401,
      "invalid_client",
      "Client authentication failed: unknown client_id or wrong client_secret.",
    );
  }
  switch (params.grant_type) {
    case TOKEN_EXCHANGE_GRANT:
      return params.subject_token_type === OFFLINE_TOKEN_TYPE
        ? migrateOfflineToken(params, shop, ctx)
        : exchangeSessionToken(params, shop, ctx);
    case "refresh_token":
      return refresh(params, shop, ctx);
    default:
      return oauthError(
        400,
        "unsupported_grant_type",
        `grant_type ${params.grant_type ?? "(missing)"} is not supported.`,
      );
  }
}

function exchangeSessionToken(params: Record<string, string>, shop: string, ctx: Ctx): GrantResult {
  if (params.subject_token_type !== ID_TOKEN_TYPE) {
    return oauthError(400, "invalid_request", `subject_token_type must be ${ID_TOKEN_TYPE}.`);
  }
  const verified = verifyJwt(params.subject_token ?? "", ctx.config.apiSecret, ctx.config.now());
  if (!verified.ok)
    return oauthError(400, "invalid_subject_token", `Invalid subject token: ${verified.reason}.`);
  const { claims } = verified;
  if (claims.aud !== ctx.config.apiKey)
    return oauthError(400, "invalid_subject_token", "Invalid subject token: aud is not this app.");
  if (claims.dest !== `https://${shop}`) {
    return oauthError(400, "invalid_subject_token", `Invalid subject token: dest is not https://${shop}.`);
  }
  const { tokenLifetimes, scopes } = ctx.config;
  const expiring = params.expiring === "1";
  if (params.requested_token_type === OFFLINE_TOKEN_TYPE) {
    const token = ctx.store.tokens.issue({
      shop,
      clientId: ctx.config.apiKey,
      kind: "offline",
      scope: scopes,
      lifetimeSeconds: expiring ? tokenLifetimes.offlineSeconds : null,
      refreshLifetimeSeconds: expiring ? tokenLifetimes.refreshSeconds : null,
    });
    return { status: 200, body: offlineBody(token, ctx) };
  }
  if (params.requested_token_type === ONLINE_TOKEN_TYPE) {
    const userId = typeof claims.sub === "string" ? claims.sub : "";
    if (!/^\d+$/.test(userId))
      return oauthError(400, "invalid_subject_token", "Invalid subject token: sub is not a user id.");
    const staff = ctx.store.findShop(shop)?.staff.get(Number(userId));
    if (!staff)
      return oauthError(
        400,
        "invalid_subject_token",
        "Invalid subject token: sub is not a staff member of this shop.",
      );
    const token = ctx.store.tokens.issue({
      shop,
      clientId: ctx.config.apiKey,
      kind: "online",
      scope: scopes,
      userId,
      lifetimeSeconds: tokenLifetimes.onlineSeconds,
      refreshLifetimeSeconds: null,
    });
    return { status: 200, body: onlineBody(token, staff, ctx) };
  }
  return oauthError(
    400,
    "invalid_request",
    "requested_token_type must be an offline or online access token type.",
  );
}

function migrateOfflineToken(params: Record<string, string>, shop: string, ctx: Ctx): GrantResult {
  const old = ctx.store.tokens.active(params.subject_token ?? "");
  if (!old || old.shop !== shop || old.kind !== "offline" || old.expiresAt !== null) {
    return oauthError(
      400,
      "invalid_subject_token",
      "Invalid subject token: not a non-expiring offline token of this shop.",
    );
  }
  // Migration replaces the non-expiring token; Shopify revokes the old one.
  ctx.store.tokens.revoke(old.accessToken);
  return { status: 200, body: offlineBody(issueExpiringOffline(shop, old.scope, ctx), ctx) };
}

function refresh(params: Record<string, string>, shop: string, ctx: Ctx): GrantResult {
  const grant = ctx.store.tokens.redeemRefresh(params.refresh_token ?? "");
  if (!grant || grant.shop !== shop || grant.clientId !== ctx.config.apiKey) {
    return oauthError(400, "invalid_grant", "The refresh token is invalid, expired or already used.");
  }
  return { status: 200, body: offlineBody(issueExpiringOffline(shop, grant.scope, ctx), ctx) };
}

function issueExpiringOffline(shop: string, scope: string, ctx: Ctx): IssuedToken {
  const { tokenLifetimes } = ctx.config;
  return ctx.store.tokens.issue({
    shop,
    clientId: ctx.config.apiKey,
    kind: "offline",
    scope,
    lifetimeSeconds: tokenLifetimes.offlineSeconds,
    refreshLifetimeSeconds: tokenLifetimes.refreshSeconds,
  });
}

const secondsUntil = (epochMs: number, ctx: Ctx) =>
  Math.max(0, Math.round((epochMs - ctx.config.now()) / 1000));

function offlineBody(token: IssuedToken, ctx: Ctx): Record<string, unknown> {
  return {
    access_token: token.accessToken,
    scope: token.scope,
    ...(token.expiresAt !== null && { expires_in: secondsUntil(token.expiresAt, ctx) }),
    ...(token.refreshToken &&
      token.refreshExpiresAt !== null && {
        refresh_token: token.refreshToken,
        refresh_token_expires_in: secondsUntil(token.refreshExpiresAt, ctx),
      }),
  };
}

function onlineBody(token: IssuedToken, staff: StaffRecord, ctx: Ctx): Record<string, unknown> {
  return {
    access_token: token.accessToken,
    scope: token.scope,
    expires_in: secondsUntil(token.expiresAt ?? ctx.config.now(), ctx),
    associated_user_scope: token.scope,
    // Shopify's documented online-token user (token exchange, online access tokens).
    associated_user: {
      id: staff.id,
      first_name: staff.firstName,
      last_name: staff.lastName,
      email: staff.email,
      email_verified: true,
      account_owner: staff.accountOwner,
      locale: "en",
      collaborator: false,
    },
  };
}
