import { z } from "zod";
import { minorUnitsPerMajor } from "~/loyalty/money";

// Building blocks shared by the REST webhook payload schemas (API 2025-10). Shopify adds
// fields without notice, so every object is loose; what the app relies on is validated.

/** Ids are stored as PostgreSQL bigint: one beyond it can never be stored, so it fails validation. */
export const MAX_ID = 2n ** 63n - 1n;
// 2^63 as a double: JSON numbers this large are already rounded, and the gid carries the exact digits.
const MAX_ID_NUMBER = 2 ** 63;

/** A decimal string of a positive id that fits bigint: "123" → 123n; null otherwise. */
export function parseShopifyId(text: string): bigint | null {
  return /^[1-9]\d{0,18}$/.test(text) && BigInt(text) <= MAX_ID ? BigInt(text) : null;
}

// zod runs every check of a schema even after one fails, so this guards its own input.
function fitsBigint(digits: string): boolean {
  return /^\d+$/.test(digits) && digits.replace(/^0+/, "").length <= 19 && BigInt(digits) <= MAX_ID;
}

/**
 * Shopify sends numeric ids; tools that re-serialise payloads sometimes send strings.
 * Ids beyond 2^53 arrive rounded (JSON numbers are doubles), so they are accepted here
 * and `resourceId` takes the exact digits from the gid beside them.
 */
export const numericId = z.union([
  z
    .number()
    .nonnegative()
    .refine(Number.isInteger, { error: "Expected a whole-number id." })
    .refine((v) => v <= MAX_ID_NUMBER, { error: "Ids above 2^63 - 1 are not Shopify ids." }),
  z.string().regex(/^\d+$/).refine(fitsBigint, { error: "Ids above 2^63 - 1 are not Shopify ids." }),
]);

/** `gid://shopify/Order/123`: the exact id even when the JSON number lost precision. */
export const graphqlId = z
  .string()
  .regex(/^gid:\/\/shopify\/\w+\/\d+/)
  .refine((gid) => fitsBigint(/\/(\d+)(?:\?.*)?$/.exec(gid)?.[1] ?? "0"), {
    error: "Ids above 2^63 - 1 are not Shopify ids.",
  });

/** The precise numeric id: the gid's digits when present (JSON numbers above 2^53 round), else `id`. */
export function resourceId(id: z.infer<typeof numericId>, gid?: string | null): bigint {
  const fromGid = gid ? /\/(\d+)(?:\?.*)?$/.exec(gid)?.[1] : undefined;
  return BigInt(fromGid ?? id);
}

/**
 * A decimal amount. Minor units are computed as JS numbers, exact up to 2^53, so amounts
 * are bounded well inside that (a trillion in any currency); beyond it is not money.
 */
export const decimal = z.union([
  z.string().regex(/^-?\d{1,12}(\.\d+)?$/, { error: "Expected a decimal amount below 10^12." }),
  z.number().gt(-1e12).lt(1e12),
]);

/** Quantities are stored as PostgreSQL integer (int4). */
export const quantity = z.int32();

const money = z.object({ amount: decimal, currency_code: z.string().length(3) }).loose();

/** A MoneyBag: amounts in the shop's currency and in the buyer's (presentment) currency. */
export const moneySet = z.object({ shop_money: money, presentment_money: money.optional() }).loose();
export type MoneySet = z.infer<typeof moneySet>;

/** ISO 8601 with an offset, as Shopify writes times ("2025-10-01T12:00:00-04:00"). */
export const instant = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

/**
 * A decimal amount as integer minor units, exactly (no float arithmetic on the digits):
 * "12.5" USD → 1250, "1200" JPY → 1200. Extra fraction digits beyond the currency's
 * exponent are rounded half away from zero, as Shopify rounds shop amounts.
 */
export function toMinor(amount: string | number, currency: string): number {
  const text = typeof amount === "number" ? amount.toString() : amount.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.includes("e") ? Number(text).toFixed(12) : text);
  if (!match) throw new Error(`Not a decimal amount: ${JSON.stringify(amount)}`);
  const digits = Math.round(Math.log10(minorUnitsPerMajor(currency)));
  const fraction = (match[3] ?? "").padEnd(digits + 1, "0");
  let minor = Number(match[2]) * 10 ** digits + Number(fraction.slice(0, digits) || "0");
  if (Number(fraction[digits]) >= 5) minor += 1;
  return match[1] && minor !== 0 ? -minor : minor;
}

/** Shop-currency minor units of a MoneyBag; the plain amount (always shop money in REST) when the bag is absent. */
export function shopMinor(
  set: MoneySet | null | undefined,
  plain: string | number | null | undefined,
  currency: string,
): number {
  if (set) return toMinor(set.shop_money.amount, set.shop_money.currency_code);
  if (plain === null || plain === undefined) return 0;
  return toMinor(plain, currency);
}

/** Shopify's comma-separated tag string as a list ("vip, wholesale" → ["vip", "wholesale"]). */
export const tagList = z
  .union([z.string(), z.array(z.string())])
  .nullish()
  .transform((v) =>
    (Array.isArray(v) ? v : (v ?? "").split(",")).map((t) => t.trim()).filter((t) => t.length > 0),
  );
