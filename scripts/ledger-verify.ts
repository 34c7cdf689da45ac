// npm run ledger:verify -- --shop <domain> [--fix] [--full]
// Member balances are a cache of the ledger. This recomputes every member's balances of
// one shop from its ledger entries, prints each difference, and with --fix repairs the
// cache toward the ledger. Exit status: 0 clean (or fixed), 1 drift found without --fix,
// 2 bad arguments or unknown shop.
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { prisma, type PrismaClient } from "../app/db.server";
import { EnvError } from "../app/env.server";
import { rebuildMemberBalances, type BalanceDrift } from "../app/loyalty/services/ledger.server";

export interface VerifyResult {
  members: number;
  /** Members the screen flagged and the locked rebuild examined. */
  examined: number;
  drift: BalanceDrift[];
}

const BATCH = 5_000;

/**
 * Screens members in batches with one aggregate over their ledger (the same arithmetic as
 * balancesFromLedger), then rebuilds each suspect under its lock with rebuildMemberBalances,
 * which decides. `full` rebuilds every member instead of screening.
 */
export async function verifyLedger(
  db: PrismaClient,
  shop: string,
  options: { fix: boolean; full?: boolean; now?: Date; onDrift?: (d: BalanceDrift) => void },
): Promise<VerifyResult> {
  const now = options.now ?? new Date();
  const result: VerifyResult = { members: 0, examined: 0, drift: [] };
  let after = -1n;
  for (;;) {
    const batch = await db.$queryRaw<{ customerId: bigint; suspect: boolean }[]>`
      WITH members AS (
        SELECT * FROM "Member" WHERE "shop" = ${shop} AND "customerId" > ${after}
        ORDER BY "customerId" LIMIT ${BATCH}
      ), sums AS (
        SELECT e."customerId",
          SUM(CASE WHEN e."kind" = 'release' THEN e."points" WHEN e."bucket" = 'available' THEN e."points" ELSE 0 END) AS available,
          SUM(CASE WHEN e."kind" = 'release' THEN -e."points" WHEN e."bucket" = 'pending' THEN e."points" ELSE 0 END) AS pending,
          SUM(CASE WHEN e."kind" IN ('release', 'redeem', 'redemptionReturn', 'expiry') THEN 0 ELSE e."points" END) AS lifetime,
          SUM(CASE WHEN e."kind" IN ('redeem', 'redemptionReturn') THEN -e."points" ELSE 0 END) AS redeemed,
          SUM(CASE WHEN e."kind" = 'expiry' THEN -e."points" ELSE 0 END) AS expired
        FROM "LedgerEntry" e JOIN members m ON m."customerId" = e."customerId"
        WHERE e."shop" = ${shop} AND e."occurredAt" <= ${now.toISOString()}::timestamp
        GROUP BY e."customerId"
      )
      SELECT m."customerId", (
        m."availablePoints" IS DISTINCT FROM COALESCE(s.available, 0)
        OR m."pendingPoints" IS DISTINCT FROM COALESCE(s.pending, 0)
        OR m."lifetimePoints" IS DISTINCT FROM COALESCE(s.lifetime, 0)
        OR m."redeemedPoints" IS DISTINCT FROM COALESCE(s.redeemed, 0)
        OR m."expiredPoints" IS DISTINCT FROM COALESCE(s.expired, 0)
      ) AS suspect
      FROM members m LEFT JOIN sums s ON s."customerId" = m."customerId"
      ORDER BY m."customerId"`;
    result.members += batch.length;
    for (const { customerId, suspect } of batch) {
      if (!suspect && !options.full) continue;
      result.examined += 1;
      const drift = await rebuildMemberBalances(db, shop, customerId, { fix: options.fix, now });
      for (const d of drift) options.onDrift?.(d);
      result.drift.push(...drift);
    }
    if (batch.length < BATCH) return result;
    after = batch[batch.length - 1]!.customerId;
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: { shop: { type: "string" }, fix: { type: "boolean" }, full: { type: "boolean" } },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    args = {};
  }
  if (!args.shop) {
    process.stderr.write("Usage: npm run ledger:verify -- --shop <shop>.myshopify.com [--fix] [--full]\n");
    return 2;
  }
  const db = prisma();
  try {
    const shop = args.shop;
    const known =
      (await db.shop.count({ where: { domain: shop } })) + (await db.member.count({ where: { shop } }));
    if (known === 0) {
      process.stderr.write(`No shop or members found for ${shop}.\n`);
      return 2;
    }
    const fix = args.fix === true;
    const result = await verifyLedger(db, shop, {
      fix,
      full: args.full === true,
      onDrift: (d) =>
        console.log(
          `customer ${d.customerId}: ${d.field} cached ${d.cached}, ledger ${d.ledger}${fix ? " (fixed)" : ""}`,
        ),
    });
    const drifted = new Set(result.drift.map((d) => d.customerId)).size;
    console.log(
      `ledger:verify ${shop}: ${result.members} members checked, ${drifted} with drift` +
        (drifted && fix ? ", repaired from the ledger" : ""),
    );
    return drifted && !fix ? 1 : 0;
  } finally {
    await db.$disconnect();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const detail = error instanceof EnvError ? error.message : error instanceof Error ? error.stack : error;
      process.stderr.write(`ledger:verify failed: ${String(detail)}\n`);
      process.exit(1);
    },
  );
}
