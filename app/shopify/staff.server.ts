import { abstractFetch } from "@shopify/shopify-api/runtime";
import type { PrismaClient } from "~/db.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";

// Store staff by name. The session token App Bridge sends names the user only by id
// (`sub`); Shopify documents the user's name and email on the online access token that
// token exchange returns (`associated_user`: id, first_name, last_name, email,
// account_owner, …). The first time a user opens the app (and daily after, to follow
// renames) the admin exchanges their session token for an online token, keeps the name
// and drops the token: the app acts through its offline token and needs no per-user one.

/** The online access token's `associated_user`, as Shopify's token exchange returns it. */
export interface AssociatedUser {
  id: number | string;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  account_owner?: boolean | null;
}

/** Exchanges the raw session token for an online access token's user (null: none). */
export type ExchangeForUser = (shop: string, sessionToken: string) => Promise<AssociatedUser | null>;

const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;

export async function recordStaffUser(
  db: PrismaClient,
  shop: string,
  user: AssociatedUser,
  now = new Date(),
) {
  const fields = {
    firstName: user.first_name?.trim() || null,
    lastName: user.last_name?.trim() || null,
    email: user.email?.trim() || null,
    accountOwner: user.account_owner === true,
    seenAt: now,
  };
  await db.staffMember.upsert({
    where: { shop_userId: { shop, userId: String(user.id) } },
    create: { shop, userId: String(user.id), ...fields },
    update: fields,
  });
}

/**
 * Makes sure the signed-in user's name is on file. Never fails the page: without a name
 * the admin shows the user id, as before.
 */
export async function rememberStaff(
  db: PrismaClient,
  shop: string,
  userId: string | undefined,
  sessionToken: string | null,
  exchange: ExchangeForUser,
  now = new Date(),
): Promise<void> {
  if (!userId || !sessionToken) return;
  try {
    const known = await db.staffMember.findUnique({ where: { shop_userId: { shop, userId } } });
    if (known && now.getTime() - known.seenAt.getTime() < REFRESH_AFTER_MS) return;
    const user = await exchange(shop, sessionToken);
    if (user && String(user.id) === userId) await recordStaffUser(db, shop, user, now);
  } catch (error) {
    logger().warn(
      { shop, err: error instanceof Error ? error.message : String(error) },
      "staff name not fetched",
    );
  }
}

/** The raw session token of an admin request: the bearer header (fetches) or id_token (document loads). */
export function rawSessionToken(request: Request): string | null {
  const bearer = request.headers.get("authorization")?.match(/^Bearer (.+)$/i)?.[1];
  return bearer ?? new URL(request.url).searchParams.get("id_token");
}

/** Display names for staff ids, for audits and ledgers; ids without a name are left out. */
export async function staffNames(
  db: PrismaClient,
  shop: string,
  ids: Iterable<string | null | undefined>,
): Promise<Record<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => Boolean(id)))];
  if (wanted.length === 0) return {};
  const rows = await db.staffMember.findMany({ where: { shop, userId: { in: wanted } } });
  const names: Record<string, string> = {};
  for (const r of rows) {
    const name = [r.firstName, r.lastName].filter(Boolean).join(" ") || r.email;
    if (name) names[r.userId] = name;
  }
  return names;
}

/**
 * Shopify's token exchange for an online access token
 * (POST https://{shop}/admin/oauth/access_token, requested_token_type online-access-token),
 * through the library's fetch so the emulator switch applies. Only the user is kept.
 */
export const exchangeForUser: ExchangeForUser = async (shop, sessionToken) => {
  const config = env();
  const response = await abstractFetch(`https://${shop}/admin/oauth/access_token`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      client_id: config.SHOPIFY_API_KEY,
      client_secret: config.SHOPIFY_API_SECRET,
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: sessionToken,
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      requested_token_type: "urn:shopify:params:oauth:token-type:online-access-token",
    }),
  });
  if (!response.ok) throw new Error(`token exchange for the staff user answered ${response.status}`);
  const body = (await response.json()) as { associated_user?: AssociatedUser };
  return body.associated_user ?? null;
};
