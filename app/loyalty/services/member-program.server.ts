import type pg from "pg";
import type { Prisma, PrismaClient } from "~/db.server";
import { applyOverrides, programResolver, type MemberProgram, type ShopPrograms } from "../member-program";
import { loadAssignment } from "./assignment.server";
import { currentProgramVersion, currentProgramVersionPg, programAtVersion } from "./program.server";

// "Which program does this member get": the one answer every surface uses — earning on
// every crediting path, refunds, tiers, redemption, expiry, the storefront, metafields,
// the tier-perk discount, previews and the simulator's app rules. The live program version
// merged with the overrides of the experiment variants the member is assigned to
// (assignment.server.ts).

type Db = PrismaClient | Prisma.TransactionClient;

export type { MemberProgram, ShopPrograms } from "../member-program";

/** Resolves any number of `shop`'s members against one read of the live program. */
export async function memberPrograms(
  db: Db,
  shop: string,
  at: Date,
): Promise<(customerId: bigint) => MemberProgram> {
  const [live, assignment] = await Promise.all([currentProgramVersion(db, shop), loadAssignment(shop, at)]);
  return programResolver(live, assignment.overridesFor, assignment.heldOut, assignment.heldOutSince);
}

/** The same for the set-based paths on node-postgres; null when the shop has no program yet. */
export async function memberProgramsPg(
  client: pg.PoolClient,
  shop: string,
  at: Date,
): Promise<((customerId: bigint) => MemberProgram) | null> {
  const [live, assignment] = await Promise.all([
    currentProgramVersionPg(client, shop),
    loadAssignment(shop, at),
  ]);
  return live && programResolver(live, assignment.overridesFor, assignment.heldOut, assignment.heldOutSince);
}

/**
 * The same against a version a long run pinned when it started (the backfill replays all
 * history under one version, whatever is saved meanwhile); null when that version is gone.
 */
export async function memberProgramsAtVersion(
  db: Db,
  shop: string,
  version: number,
  at: Date,
): Promise<((customerId: bigint) => MemberProgram) | null> {
  const [program, assignment] = await Promise.all([
    programAtVersion(db, shop, version),
    loadAssignment(shop, at),
  ]);
  return (
    program &&
    programResolver(
      { version, program },
      assignment.overridesFor,
      assignment.heldOut,
      assignment.heldOutSince,
    )
  );
}

export async function memberProgram(
  db: Db,
  shop: string,
  customerId: bigint,
  at: Date,
): Promise<MemberProgram> {
  return (await memberPrograms(db, shop, at))(customerId);
}

/**
 * For the surfaces that act on all of a shop's members at once and must cover every program
 * in play: the scheduled run selects candidates under each, and the tier-perk discount's
 * single config carries the tiers of each.
 */
export async function shopPrograms(db: Db, shop: string, at: Date): Promise<ShopPrograms> {
  const [live, assignment] = await Promise.all([currentProgramVersion(db, shop), loadAssignment(shop, at)]);
  const of = programResolver(live, assignment.overridesFor, assignment.heldOut, assignment.heldOutSince);
  const all: MemberProgram[] = [{ program: live.program, version: live.version, variants: [] }];
  for (const overrides of assignment.combinations) {
    if (!overrides.length) continue;
    all.push({
      program: applyOverrides(live.program, overrides),
      version: live.version,
      variants: overrides.map((o) => o.variantKey),
    });
  }
  return { of, all };
}
