import type pg from "pg";
import type { Prisma, PrismaClient } from "~/db.server";
import { programResolver, type MemberProgram, type VariantOverride } from "../member-program";
import { currentProgramVersion, currentProgramVersionPg } from "./program.server";

// "Which program does this member get": the one answer every surface uses — earning on
// every crediting path, refunds, tiers, redemption, expiry, the storefront, metafields,
// the tier-perk discount, previews and the simulator's app rules. The live program version
// merged with the overrides of the experiment variants the member is assigned to.

type Db = PrismaClient | Prisma.TransactionClient;

export type { MemberProgram } from "../member-program";

/**
 * The variant overrides each member of `shop` gets at `at`. Assignment is a pure function
 * of the shop's running experiments and the customer id, so one load serves a whole batch.
 * No experiment exists yet, so no member has overrides; the experiments room replaces this
 * with the running experiments' assignment (issue 13).
 */
export async function loadAssignment(
  _shop: string,
  _at: Date,
): Promise<(customerId: bigint) => readonly VariantOverride[]> {
  return () => [];
}

/** Resolves any number of `shop`'s members against one read of the live program. */
export async function memberPrograms(
  db: Db,
  shop: string,
  at: Date,
): Promise<(customerId: bigint) => MemberProgram> {
  const [live, assign] = await Promise.all([currentProgramVersion(db, shop), loadAssignment(shop, at)]);
  return programResolver(live, assign);
}

/** The same for the set-based paths on node-postgres; null when the shop has no program yet. */
export async function memberProgramsPg(
  client: pg.PoolClient,
  shop: string,
  at: Date,
): Promise<((customerId: bigint) => MemberProgram) | null> {
  const [live, assign] = await Promise.all([currentProgramVersionPg(client, shop), loadAssignment(shop, at)]);
  return live && programResolver(live, assign);
}

export async function memberProgram(
  db: Db,
  shop: string,
  customerId: bigint,
  at: Date,
): Promise<MemberProgram> {
  return (await memberPrograms(db, shop, at))(customerId);
}
