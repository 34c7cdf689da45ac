// A simulator shop with a past loyalty program written as the app would hold it (members,
// counted orders, the available and pending points ledger, redemptions, a program with the
// past program's rewards), for the reward service's test and benchmark: what the backfill
// would leave, without the pipeline.
import type { PrismaClient } from "~/db.server";
import { currentProgramVersion, saveProgram } from "~/loyalty/services/program.server";
import { demoProgram } from "../../../simulator/history";
import { DAY_MS, type GeneratedShop } from "../../../simulator/index";
import type { RewardMember } from "./features";

export const at = (shop: GeneratedShop, day: number) => new Date(shop.calendar.startMs + day * DAY_MS);

/** The shop's program: the demo's, with exactly the past program's rewards (ids as simulatorRewards names them). */
async function program(db: PrismaClient, domain: string, shop: GeneratedShop) {
  const base = demoProgram("USD");
  const rewards = shop.params.pastLoyalty!.rewards.map((r) => ({
    id: `cost-${r.pointsCost}`,
    name: `$${r.amountMinor / 100} off`,
    value: { kind: "fixedAmount" as const, amount: { amountMinor: r.amountMinor, currency: "USD" } },
    pointsCost: r.pointsCost,
    minimumSubtotal: r.minimumSubtotalMinor ? { amountMinor: r.minimumSubtotalMinor, currency: "USD" } : null,
  }));
  const { version } = await currentProgramVersion(db, domain);
  await saveProgram(db, domain, { ...base, rewards }, { basedOn: version, createdBy: "test", note: "test" });
}

const CHUNK = 50_000;

/** Writes the members' orders, points and redemptions as the app would hold them (unnest: fast at 100k members). */
export async function writeLoyaltyShop(
  db: PrismaClient,
  domain: string,
  shop: GeneratedShop,
  members: readonly RewardMember[],
): Promise<void> {
  await db.shop.create({ data: { domain, currencyCode: "USD", ianaTimezone: "America/New_York" } });
  await program(db, domain, shop);
  const iso = (day: number) => at(shop, day).toISOString();
  const orders: [string, string, number, string][] = [];
  const ledger: [string, string, string, number, string, string, string | null][] = [];
  const redemptions: [string, string, string][] = [];
  for (const m of members) {
    for (const o of m.orders)
      orders.push([String(orders.length + 1), m.id, Math.round(o.subtotal * 100), iso(o.day)]);
    for (const p of m.points)
      ledger.push([
        m.id,
        `k${ledger.length}`,
        p.delta > 0 ? "release" : "redeem",
        p.delta,
        "available",
        iso(p.day),
        null,
      ]);
    for (const p of m.pending ?? [])
      ledger.push([m.id, `k${ledger.length}`, "earn", p.points, "pending", iso(p.since), iso(p.day)]);
    for (const r of m.redemptions) redemptions.push([m.id, r.rewardId, iso(r.day)]);
  }
  const column = <T>(rows: readonly T[][], j: number) => rows.map((r) => r[j]);
  await inChunks(
    members.map((m) => [m.id]),
    (rows) =>
      db.$executeRawUnsafe(
        `INSERT INTO "Member" ("shop", "customerId", "updatedAt") SELECT $1, c, now() FROM unnest($2::bigint[]) AS c`,
        domain,
        column(rows, 0),
      ),
  );
  await inChunks(orders, (rows) =>
    db.$executeRawUnsafe(
      `INSERT INTO "Order" ("shop", "id", "customerId", "name", "currencyCode", "subtotalMinor", "totalMinor",
         "financialStatus", "processedAt", "shopifyCreatedAt")
       SELECT $1, t.id, t.c, '#' || t.id, 'USD', t.s, t.s, 'paid', t.at, t.at
       FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::timestamp[]) AS t(id, c, s, at)`,
      domain,
      column(rows, 0),
      column(rows, 1),
      column(rows, 2),
      column(rows, 3),
    ),
  );
  await inChunks(ledger, (rows) =>
    db.$executeRawUnsafe(
      `INSERT INTO "LedgerEntry" ("shop", "customerId", "key", "kind", "points", "bucket", "occurredAt",
         "availableAt", "programVersion")
       SELECT $1, t.c, t.k, t.kind::"LedgerKind", t.p, t.b::"LedgerBucket", t.at, t.av, 1
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamp[], $8::timestamp[])
         AS t(c, k, kind, p, b, at, av)`,
      domain,
      ...[0, 1, 2, 3, 4, 5, 6].map((j) => column(rows, j)),
    ),
  );
  // The balances the member pages show are a cache of the ledger (DESIGN.md): rebuilt from it as
  // of the end of history (the simulator's "now").
  await db.$executeRawUnsafe(
    `UPDATE "Member" m SET "availablePoints" = GREATEST(0, l.points), "redeemedPoints" = l.redeemed,
       "pendingPoints" = l.pending
     FROM (SELECT "customerId",
                  COALESCE(sum("points") FILTER (WHERE "bucket" = 'available' AND "occurredAt" < $2::timestamp), 0)::int AS points,
                  COALESCE(-sum("points") FILTER (WHERE "kind" = 'redeem'), 0)::int AS redeemed,
                  COALESCE(sum("points") FILTER (WHERE "bucket" = 'pending' AND "availableAt" >= $2::timestamp), 0)::int AS pending
           FROM "LedgerEntry" WHERE "shop" = $1 GROUP BY "customerId") l
     WHERE m."shop" = $1 AND m."customerId" = l."customerId"`,
    domain,
    iso(shop.calendar.historyDays),
  );
  await inChunks(redemptions, (rows) =>
    db.$executeRawUnsafe(
      `INSERT INTO "Redemption" ("id", "shop", "customerId", "rewardId", "reward", "pointsCost", "programVersion",
         "status", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, t.c, t.r, '{}', 0, 1, 'used', t.at, t.at
       FROM unnest($2::bigint[], $3::text[], $4::timestamp[]) AS t(c, r, at)`,
      domain,
      column(rows, 0),
      column(rows, 1),
      column(rows, 2),
    ),
  );
}

async function inChunks<T>(rows: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}
