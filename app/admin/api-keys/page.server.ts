import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { SCOPES, SCOPE_LABELS } from "~/api/keys";
import { createApiKey, listApiKeys, MAX_ACTIVE_KEYS, revokeApiKey } from "~/api/keys.server";

// Settings › API keys (/app/settings/api-keys): the shop's keys (prefix, scopes, last use,
// revoked), Create (the secret is in this one answer and nowhere else) and Revoke.

export async function loadApiKeysPage(db: PrismaClient, shop: string) {
  const [shopRow, keys] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { ianaTimezone: true } }),
    listApiKeys(db, shop),
  ]);
  return {
    timeZone: shopRow?.ianaTimezone ?? null,
    scopes: SCOPES.map((s) => ({ value: s, label: SCOPE_LABELS[s] })),
    keys: keys.map((k) => ({
      ...k,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    })),
  };
}

export type ApiKeysPage = Awaited<ReturnType<typeof loadApiKeysPage>>;

const createForm = z.object({
  intent: z.literal("create"),
  name: z.string().trim().min(1, "Give the key a name").max(80, "At most 80 characters"),
  scopes: z.array(z.enum(SCOPES)).min(1, "Choose at least one permission"),
});
const revokeForm = z.object({ intent: z.literal("revoke"), id: z.uuid() });

export type ApiKeysAnswer =
  | { ok: true; created: { id: string; name: string; key: string } | null; revoked: boolean }
  | { ok: false; error: string; fieldErrors?: Record<string, string> };

export async function apiKeysAction(
  db: PrismaClient,
  shop: string,
  form: FormData,
): Promise<{ status: number; body: ApiKeysAnswer }> {
  const intent = form.get("intent");
  if (intent === "create") {
    const parsed = createForm.safeParse({
      intent,
      name: form.get("name") ?? "",
      scopes: form.getAll("scopes"),
    });
    if (!parsed.success) {
      const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
      return { status: 422, body: { ok: false, error: "Check the form.", fieldErrors } };
    }
    const created = await createApiKey(db, shop, { name: parsed.data.name, scopes: parsed.data.scopes });
    if ("error" in created)
      return {
        status: 409,
        body: { ok: false, error: `A shop can have ${MAX_ACTIVE_KEYS} active keys; revoke one first.` },
      };
    return {
      status: 201,
      body: {
        ok: true,
        created: { id: created.row.id, name: created.row.name, key: created.key },
        revoked: false,
      },
    };
  }
  if (intent === "revoke") {
    const parsed = revokeForm.safeParse({ intent, id: form.get("id") });
    if (!parsed.success)
      return { status: 400, body: { ok: false, error: "The request was not understood." } };
    // Another shop's key (or an unknown id) answers as not found: nothing about it leaks.
    const revoked = await revokeApiKey(db, shop, parsed.data.id);
    if (!revoked) return { status: 404, body: { ok: false, error: "No active key with that id." } };
    return { status: 200, body: { ok: true, created: null, revoked: true } };
  }
  return { status: 400, body: { ok: false, error: "The request was not understood." } };
}
