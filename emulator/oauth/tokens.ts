import { randomBytes } from "node:crypto";
import type { Clock } from "../config";

// Every access token the emulator has issued. The GraphQL endpoint accepts only these;
// the control API lists them so tests and the simulator can act as an installed app.

export type AccessTokenKind = "offline" | "online";

export type IssuedToken = {
  accessToken: string;
  shop: string;
  clientId: string;
  kind: AccessTokenKind;
  scope: string;
  /** Staff user the online token acts for (the session token's sub). */
  userId: string | null;
  issuedAt: string;
  /** Epoch ms; null for non-expiring offline tokens. */
  expiresAt: number | null;
  refreshToken: string | null;
  refreshExpiresAt: number | null;
};

const secret = (prefix: string) => `${prefix}_${randomBytes(16).toString("hex")}`;

export class AccessTokenRegistry {
  private readonly byAccess = new Map<string, IssuedToken>();
  private readonly byRefresh = new Map<string, IssuedToken>();

  constructor(private readonly now: Clock) {}

  issue(input: {
    shop: string;
    clientId: string;
    kind: AccessTokenKind;
    scope: string;
    userId?: string | null;
    lifetimeSeconds: number | null;
    refreshLifetimeSeconds: number | null;
  }): IssuedToken {
    const now = this.now();
    const token: IssuedToken = {
      accessToken: secret(input.kind === "online" ? "shpua" : "shpat"),
      shop: input.shop,
      clientId: input.clientId,
      kind: input.kind,
      scope: input.scope,
      userId: input.userId ?? null,
      issuedAt: new Date(now).toISOString(),
      expiresAt: input.lifetimeSeconds === null ? null : now + input.lifetimeSeconds * 1000,
      refreshToken: input.refreshLifetimeSeconds === null ? null : secret("shprt"),
      refreshExpiresAt:
        input.refreshLifetimeSeconds === null ? null : now + input.refreshLifetimeSeconds * 1000,
    };
    this.byAccess.set(token.accessToken, token);
    if (token.refreshToken) this.byRefresh.set(token.refreshToken, token);
    return token;
  }

  /** The live token, or null when unknown or expired. */
  active(accessToken: string): IssuedToken | null {
    const token = this.byAccess.get(accessToken);
    if (!token || (token.expiresAt !== null && token.expiresAt <= this.now())) return null;
    return token;
  }

  /** Takes a refresh token out of circulation (they are single use) and returns its grant. */
  redeemRefresh(refreshToken: string): IssuedToken | null {
    const token = this.byRefresh.get(refreshToken);
    if (!token) return null;
    this.byRefresh.delete(refreshToken);
    if (token.refreshExpiresAt !== null && token.refreshExpiresAt <= this.now()) return null;
    return token;
  }

  revoke(accessToken: string): void {
    const token = this.byAccess.get(accessToken);
    if (!token) return;
    this.byAccess.delete(accessToken);
    if (token.refreshToken) this.byRefresh.delete(token.refreshToken);
  }

  list(shop?: string): IssuedToken[] {
    return [...this.byAccess.values()].filter((t) => !shop || t.shop === shop);
  }
}
