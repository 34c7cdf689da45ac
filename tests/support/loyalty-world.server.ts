import type { PrismaClient } from "~/db.server";
import type { Emulator } from "../../emulator/server";
import type { AdminGraphql } from "~/shopify/graphql.server";
import { appendEntries, lockMember } from "../../app/loyalty/services/ledger.server";
import { currentProgramVersion, saveProgram } from "../../app/loyalty/services/program.server";
import type { ProgramInput } from "../../app/loyalty/program";

// Set-up shared by the redemption and metafield-sync integration tests: a shop with a
// program, members with points from a bonus entry, and an Admin GraphQL client that
// talks to an in-process emulator the way the app's library does.

export function emulatorGraphql(emulator: Emulator, token: string): AdminGraphql {
  return (query, options) =>
    fetch(`${emulator.url}/admin/api/2025-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query, variables: options?.variables }),
    });
}

export async function seedProgram(db: PrismaClient, shop: string, program: Partial<ProgramInput>) {
  await db.shop.upsert({ where: { domain: shop }, create: { domain: shop }, update: {} });
  const { version, program: current } = await currentProgramVersion(db, shop);
  return saveProgram(db, shop, { ...current, ...program }, { basedOn: version });
}

export async function seedMember(
  db: PrismaClient,
  shop: string,
  customerId: bigint,
  points: number,
  at = new Date("2025-06-01T00:00:00Z"),
) {
  // A member the app enrolled meanwhile (an install backfill running beside the test) is kept.
  await db.member.createMany({ data: [{ shop, customerId, enrolledAt: at }], skipDuplicates: true });
  if (points === 0) return;
  await db.$transaction(async (tx) => {
    const member = await lockMember(tx, shop, customerId);
    await appendEntries(tx, member!, [
      {
        key: `${shop}:customer:${customerId}:bonus:seed`,
        kind: "bonus",
        points,
        bucket: "available",
        occurredAt: at,
        programVersion: 1,
      },
    ]);
  });
}
