import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "~/db.server";
import type { ApiKey } from "~/generated/prisma/client";
import { bearerKey, displayPrefix, keyFromBytes, type Scope } from "./keys";

// API keys in the database: created (the secret is returned once and never stored),
// listed, revoked, and checked on each request by the sha256 of the presented key. A revoked
// key stays listed for the audit trail and never authenticates again.

export const MAX_ACTIVE_KEYS = 20;

export const hashKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

export function generateKey(): string {
  for (;;) {
    const key = keyFromBytes(randomBytes(64));
    if (key) return key;
  }
}

export type CreatedKey = { key: string; row: ApiKey };

export async function createApiKey(
  db: PrismaClient,
  shop: string,
  input: { name: string; scopes: Scope[] },
  key: string = generateKey(),
): Promise<CreatedKey | { error: "tooMany" }> {
  const active = await db.apiKey.count({ where: { shop, revokedAt: null } });
  if (active >= MAX_ACTIVE_KEYS) return { error: "tooMany" };
  const row = await db.apiKey.create({
    data: { shop, name: input.name, prefix: displayPrefix(key), hash: hashKey(key), scopes: input.scopes },
  });
  return { key, row };
}

/** true when the shop's key was active and is now revoked. */
export async function revokeApiKey(
  db: PrismaClient,
  shop: string,
  id: string,
  now = new Date(),
): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({
    where: { id, shop, revokedAt: null },
    data: { revokedAt: now },
  });
  return count === 1;
}

export function listApiKeys(db: PrismaClient, shop: string) {
  return db.apiKey.findMany({
    where: { shop },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
    },
  });
}

export type KeyCheck =
  | { ok: true; shop: string; keyId: string }
  | { ok: false; status: 401 | 403; code: "unauthorized" | "forbidden"; message: string };

/** Who is calling: the shop of an active key holding `scope`. */
export async function authenticateKey(
  db: PrismaClient,
  authorization: string | null,
  scope: Scope,
  now = new Date(),
): Promise<KeyCheck> {
  const key = bearerKey(authorization);
  const unauthorized = {
    ok: false,
    status: 401,
    code: "unauthorized",
    message: "Send a valid API key as Authorization: Bearer <key>.",
  } as const;
  if (!key) return unauthorized;
  const row = await db.apiKey.findUnique({ where: { hash: hashKey(key) } });
  if (!row || row.revokedAt) return unauthorized;
  // An uninstalled shop's keys stop working with it (shop/redact deletes them later).
  const shop = await db.shop.findUnique({ where: { domain: row.shop }, select: { status: true } });
  if (shop?.status !== "installed") return unauthorized;
  if (!row.scopes.includes(scope))
    return {
      ok: false,
      status: 403,
      code: "forbidden",
      message: `This key does not have the ${scope} scope.`,
    };
  // lastUsedAt to the minute: one write a minute per key, not one per request.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000)
    await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  return { ok: true, shop: row.shop, keyId: row.id };
}
