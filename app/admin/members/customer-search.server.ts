import { Prisma } from "~/db.server";

// What the merchant types to find a customer — part of an email or of a name — matched the
// way the Customer table's trigram indexes can answer (migration 20261210010000): lower-cased
// LIKE on the two indexed expressions. A search over a million customers reads the index,
// not the table. Fewer than three characters cannot use a trigram and scan the shop's rows.

/** LIKE wildcards in what the merchant typed are matched literally; lower-cased as the index is. */
export const searchPattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The indexed name expression of the customer row `alias` (first and last name, lower-cased). */
const nameOf = (alias: string) =>
  Prisma.raw(`lower(coalesce(${alias}."firstName", '') || ' ' || coalesce(${alias}."lastName", ''))`);

/** The customer row `alias` matches the search text by email or name. */
export function customerMatches(alias: string, text: string): Prisma.Sql {
  const pattern = searchPattern(text);
  return Prisma.sql`(lower(${Prisma.raw(`${alias}."email"`)}) LIKE ${pattern} OR ${nameOf(alias)} LIKE ${pattern})`;
}

const BIGINT_MAX = 9_223_372_036_854_775_807n;

/** The search text as a customer id, when it is one. */
export function searchedId(text: string): bigint | null {
  if (!/^\d{1,19}$/.test(text)) return null;
  const id = BigInt(text);
  return id <= BIGINT_MAX ? id : null;
}
