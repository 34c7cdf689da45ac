import { UNSTORABLE_MESSAGE, unstorablePaths } from "~/db/storable-text";
import { z } from "zod";
import type { PrismaClient } from "~/db.server";
import { BODY_LIMITS, PayloadTooLarge, readBody } from "~/request-body.server";
import { importItems, type ImportKind } from "./imports.server";
import { SHOP_HEADER, SIGNATURE_HEADER, verifySignature } from "./secret.server";

// POST /api/v1/imports/reviews and /api/v1/imports/engagement: a review or email/SMS tool
// (or the demo) sends {reviews: [...]} or {events: [...]} signed with the shop's import
// secret. The order of checks keeps strangers out before anything is parsed: body cap
// (413), signature over the raw bytes (401, the same answer for an unknown shop, a shop
// without a secret and a wrong signature), then JSON (400) and the items (422 per row).
// Valid rows are stored even when others fail; each row is stored whole or not at all,
// and the answer lists the failed rows by number (their index in the array, from 1).

export const MAX_ITEMS = 5_000;
const SHOP = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

const bodySchema = (key: "reviews" | "events") =>
  z.object({
    [key]: z.array(z.unknown()).min(1, `${key} is empty`),
    source: z
      .string()
      .regex(/^[a-z0-9_-]{1,40}$/, "source must be a short slug such as judgeme or klaviyo")
      .optional(),
  });

const answer = (status: number, body: unknown) => Response.json(body, { status });

export async function handleImportRequest(
  db: PrismaClient,
  request: Request,
  kind: ImportKind,
): Promise<Response> {
  const key = kind === "reviews" ? "reviews" : "events";
  const shop = (request.headers.get(SHOP_HEADER) ?? new URL(request.url).searchParams.get("shop") ?? "")
    .trim()
    .toLowerCase();
  let raw: Uint8Array;
  try {
    raw = await readBody(request, BODY_LIMITS.importApi);
  } catch (error) {
    if (error instanceof PayloadTooLarge) return answer(413, { error: error.message });
    throw error;
  }
  const installed =
    SHOP.test(shop) &&
    (await db.shop.findFirst({ where: { domain: shop, status: "installed" }, select: { domain: true } }));
  if (!installed || !(await verifySignature(db, shop, raw, request.headers.get(SIGNATURE_HEADER))))
    return answer(401, {
      error: `Sign the raw body with the shop's import secret (${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256>) and name the shop in ${SHOP_HEADER}.`,
    });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    return answer(400, { error: "The body is not JSON." });
  }
  // PostgreSQL stores no NUL and jsonb no unpaired surrogate: refused whole, before any row is written.
  const unstorable = unstorablePaths(json)[0];
  if (unstorable)
    return answer(422, {
      error: `${unstorable.length ? unstorable.join(".") : "The body"}: ${UNSTORABLE_MESSAGE}`,
    });
  const parsed = bodySchema(key).safeParse(json);
  if (!parsed.success)
    return answer(400, {
      error: `The body must be {"${key}": [...]}: ${parsed.error.issues.map((i) => i.message).join("; ")}.`,
    });
  const items = parsed.data[key] as unknown[];
  if (items.length > MAX_ITEMS)
    return answer(413, { error: `At most ${MAX_ITEMS} ${key} per request; this one has ${items.length}.` });
  const source = typeof parsed.data.source === "string" ? parsed.data.source : null;
  const result = await importItems(db, shop, kind, items, source);
  if ("ok" in result) return answer(result.status, { error: result.error });
  return answer(result.rejected > 0 ? 422 : 200, result);
}
