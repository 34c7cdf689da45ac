import type { PrismaClient } from "~/db.server";
import { migrationKey } from "~/loyalty/ledger-keys";
import { currentProgramVersion } from "~/loyalty/services/program.server";
import type { MigrationSource } from "./formats";
import type { Lookups } from "./plan";
import type { MigrationRow } from "./rows";

// What planning a file needs to know about the shop, read in chunks (a file can name
// 200,000 customers): customers by email, their members' balances and referral codes,
// who was imported from this source already, and the program's tiers.

const CHUNK = 5_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function loadLookups(
  db: PrismaClient,
  shop: string,
  source: MigrationSource,
  rows: readonly MigrationRow[],
): Promise<Lookups> {
  const customerByEmail = new Map<string, bigint>();
  for (const emails of chunks([...new Set(rows.map((r) => r.email))])) {
    const found = await db.$queryRaw<{ id: bigint; email: string }[]>`
      SELECT "id", lower("email") AS "email" FROM "Customer"
      WHERE "shop" = ${shop} AND lower("email") = ANY(${emails}::text[])
        AND "deletedAt" IS NULL AND "redactedAt" IS NULL
      ORDER BY "id"`;
    // Shopify keeps emails unique per shop; should two share one, the oldest account wins.
    for (const c of found) if (!customerByEmail.has(c.email)) customerByEmail.set(c.email, c.id);
  }
  const ids = [...new Set(customerByEmail.values())];
  const members = new Map<bigint, { availablePoints: number; referralCode: string | null }>();
  const alreadyImported = new Set<bigint>();
  for (const part of chunks(ids)) {
    const [rowsFound, keys] = await Promise.all([
      db.member.findMany({
        where: { shop, customerId: { in: part } },
        select: { customerId: true, availablePoints: true, referralCode: true },
      }),
      db.ledgerEntry.findMany({
        where: { shop, key: { in: part.map((id) => migrationKey(shop, source, id.toString())) } },
        select: { customerId: true },
      }),
    ]);
    for (const m of rowsFound) members.set(m.customerId, m);
    for (const k of keys) alreadyImported.add(k.customerId);
  }
  const referralOwners = new Map<string, bigint>();
  const codes = [...new Set(rows.flatMap((r) => (r.referralCode ? [r.referralCode.toLowerCase()] : [])))];
  for (const part of chunks(codes)) {
    const owners = await db.$queryRaw<{ customerId: bigint; code: string }[]>`
      SELECT "customerId", lower("referralCode") AS "code" FROM "Member"
      WHERE "shop" = ${shop} AND lower("referralCode") = ANY(${part}::text[])`;
    for (const o of owners) referralOwners.set(o.code, o.customerId);
  }
  const { program } = await currentProgramVersion(db, shop);
  return {
    customerByEmail,
    members,
    alreadyImported,
    referralOwners,
    tiers: program.tiers.levels.map((l) => ({ id: l.id, name: l.name })),
  };
}
